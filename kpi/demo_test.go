package kpi

import (
	"testing"
	"time"
)

func TestDemoRecordsPlausibleAndStable(t *testing.T) {
	end := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	agents := []DemoAgent{{ID: "xiaowang"}, {ID: "aqiang", Senior: true}}
	recs := DemoRecords("presale", agents, end, 60)
	if len(recs) < 90 || len(recs) > 120 {
		t.Fatalf("%d records for 2 agents × 60 days", len(recs))
	}
	again := DemoRecords("presale", agents, end, 60)
	if len(again) != len(recs) || again[10] != recs[10] {
		t.Fatal("demo history is not deterministic")
	}
	tot := Aggregate(recs)
	sat, _ := tot.Satisfaction()
	conv, _ := tot.Conversion()
	first, _ := tot.FirstResp()
	if sat < 0.8 || sat > 0.99 || conv < 0.1 || conv > 0.35 || first < 10 || first > 40 {
		t.Fatalf("implausible demo figures: satisfaction %.3f conversion %.3f first response %.1f", sat, conv, first)
	}
	if recs[0].Date < "2026-09-24" || recs[len(recs)-1].Date != "2026-11-22" && recs[len(recs)-1].Date != "2026-11-21" {
		t.Fatalf("dates run %s..%s", recs[0].Date, recs[len(recs)-1].Date)
	}
}
