package period

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, loc) // a Monday
	def := MonthToDate(now)
	cases := []struct {
		in, from, to string
	}{
		{"", "2026-11-01", "2026-11-22"},
		{"本月", "2026-11-01", "2026-11-23"},
		{"上月", "2026-10-01", "2026-10-31"},
		{"本周", "2026-11-23", "2026-11-23"},
		{"上周", "2026-11-16", "2026-11-22"},
		{"本季", "2026-10-01", "2026-11-23"},
		{"上季", "2026-07-01", "2026-09-30"},
		{"昨天", "2026-11-22", "2026-11-22"},
		{"近7天", "2026-11-16", "2026-11-22"},
		{"2026-10", "2026-10-01", "2026-10-31"},
		{"2026年2月", "2026-02-01", "2026-02-28"},
		{"12月", "2025-12-01", "2025-12-31"},
		{"10月", "2026-10-01", "2026-10-31"},
		{"2026-10-01 2026-10-15", "2026-10-01", "2026-10-15"},
		{"2026-10-01至2026-10-15", "2026-10-01", "2026-10-15"},
		{"2026-10-05", "2026-10-05", "2026-10-05"},
	}
	for _, c := range cases {
		r, err := Parse(c.in, now, def)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if r.FromDate() != c.from || r.ToDate() != c.to {
			t.Errorf("Parse(%q) = %s..%s, want %s..%s", c.in, r.FromDate(), r.ToDate(), c.from, c.to)
		}
		if r.Label == "" {
			t.Errorf("Parse(%q) has no label", c.in)
		}
	}
	for _, bad := range []string{"明年", "2026-13", "2026-10-15 2026-10-01", "2025-01-01 2026-06-01", "小王"} {
		if _, err := Parse(bad, now, def); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
	if Looks("小王") || !Looks("上月") {
		t.Error("Looks misjudges a name or a period")
	}
	if d := (Range{From: Day(now), To: Day(now).AddDate(0, 0, 29)}).Days(); d != 30 {
		t.Errorf("Days = %d, want 30", d)
	}
}

func TestMonthToDateOnTheFirst(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	r := MonthToDate(now)
	if r.FromDate() != "2026-11-01" || r.ToDate() != "2026-11-30" {
		t.Fatalf("MonthToDate on the 1st = %s..%s", r.FromDate(), r.ToDate())
	}
}

func TestParseFullWidth(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"２０２６－１０": "2026-10-01..2026-10-31",
		"２０２６－１０－０１　２０２６－１０－１５":   "2026-10-01..2026-10-15",
		"2026-10-01 至 2026-10-15": "2026-10-01..2026-10-15",
	} {
		r, err := Parse(in, now, Range{})
		if err != nil || r.FromDate()+".."+r.ToDate() != want {
			t.Errorf("Parse(%q) = %v %v, want %s", in, r, err, want)
		}
	}
}

// On the 1st every command's default and 上月 are the month just ended; a
// typed 本月 is the new month everywhere.
func TestDefaultIsOneRule(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	dec1 := time.Date(2026, 12, 1, 9, 30, 0, 0, loc)
	for _, live := range []bool{false, true} {
		d := Default(dec1, live)
		if d.FromDate() != "2026-11-01" || d.ToDate() != "2026-11-30" || d.Label != "上月（2026年11月）" {
			t.Errorf("default on 1 December (live %v): %+v", live, d)
		}
	}
	last, _ := Parse("上月", dec1, Range{})
	if last.FromDate() != "2026-11-01" || last.ToDate() != "2026-11-30" {
		t.Errorf("上月 on 1 December: %+v", last)
	}
	this, _ := Parse("本月", dec1, Range{})
	if this.FromDate() != "2026-12-01" || this.ToDate() != "2026-12-01" {
		t.Errorf("本月 on 1 December: %+v", this)
	}
	mid := time.Date(2026, 12, 15, 9, 30, 0, 0, loc)
	if d := Default(mid, false); d.FromDate() != "2026-12-01" || d.ToDate() != "2026-12-14" || d.Label != "本月至今（12月1日–14日）" {
		t.Errorf("default mid-month: %+v", d)
	}
	if d := Default(mid, true); d.ToDate() != "2026-12-15" || d.Label != "本月至今（12月1日–15日）" {
		t.Errorf("live default mid-month: %+v", d)
	}
}
