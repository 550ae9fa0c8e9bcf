package growth

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

func newStore(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestParseLevelAndPath(t *testing.T) {
	for in, want := range map[string]string{"资深": LevelSenior, "资深客服": LevelSenior, "专员": LevelAgent, "客服": LevelAgent,
		"主管": LevelSupervisor, "客服经理": LevelManager, "Senior": LevelSenior} {
		if got, ok := ParseLevel(in); !ok || got != want {
			t.Errorf("ParseLevel(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := ParseLevel("总监"); ok {
		t.Error("总监 is not on the path")
	}
	if Next(LevelAgent) != LevelSenior || Next(LevelManager) != "" || Label(LevelSupervisor) != "客服主管" {
		t.Error("path order")
	}
}

func TestSetKeepsHistoryOnce(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c, err := Set(ctx, st, Change{Member: "xw", Team: "t", To: LevelSenior, By: "zhao", At: at}, LevelAgent)
	if err != nil || c.From != LevelAgent || !c.Promotion() {
		t.Fatalf("first change: %+v %v", c, err)
	}
	if _, err := Set(ctx, st, Change{Member: "xw", Team: "t", To: LevelSenior, By: "zhao", At: at}, LevelAgent); !errors.Is(err, ErrSameLevel) {
		t.Errorf("same level again: %v", err)
	}
	if _, err := Set(ctx, st, Change{Member: "xw", To: "总监"}, LevelAgent); !errors.Is(err, ErrLevel) {
		t.Errorf("unknown level: %v", err)
	}
	// Two managers at once: one change is recorded.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = Set(ctx, st, Change{Member: "xw", Team: "t", To: LevelSupervisor, By: "zhao", At: at.Add(time.Hour)}, LevelAgent)
		}()
	}
	wg.Wait()
	h, err := LoadHistory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if cs := h.Of("xw"); len(cs) != 2 || cs[1].From != LevelSenior || cs[1].To != LevelSupervisor {
		t.Errorf("history: %+v (errors %v)", cs, errs)
	}
	if h.Current("xw", LevelAgent) != LevelSupervisor || h.Current("nobody", LevelSenior) != LevelSenior {
		t.Error("Current")
	}
}

func TestSeniorCriteria(t *testing.T) {
	c := config.DefaultGrowth().Senior
	rec := Record{MonthsOnTarget: 3, Satisfaction: 0.96, HasSatisfaction: true, BadRate: 0.01, HasBadRate: true,
		Conversion: 0.3, HasConversion: true, Mentees: 2, MenteesOnTarget: 2, Knowledge: 3, LessonAnswered: 10, LessonCorrect: 8}
	cs := SeniorCriteria(rec, c)
	if !Ready(cs) || len(cs) != 7 {
		t.Fatalf("all met: %+v", cs)
	}
	rec.BadRate = 0.02 // not below 2%
	rec.MenteesOnTarget = 1
	rec.HasConversion = false
	cs = SeniorCriteria(rec, c)
	var missed []string
	for _, x := range cs {
		if !x.Met {
			missed = append(missed, x.Name)
		}
	}
	if want := []string{"差评率（上月）", "询单转化率（上月）", "带教新人"}; !reflect.DeepEqual(missed, want) {
		t.Errorf("missed %v, want %v", missed, want)
	}
	if cs[3].Known || cs[3].Have != "无数据" {
		t.Errorf("no conversion data is unknown: %+v", cs[3])
	}
}

func TestDueTalksOrder(t *testing.T) {
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	talks := []*Talk{
		{Member: "a", At: month.AddDate(0, 0, 3)},  // talked this month: not due
		{Member: "b", At: month.AddDate(0, -2, 0)}, // long ago
		{Member: "c", At: month.AddDate(0, -1, 0)}, // last month
	}
	below := map[string]bool{"d": true}
	trend := func(m string) []MonthMark {
		return []MonthMark{{Month: "2026-10", Data: true, Met: !below[m]}}
	}
	got := DueTalks([]string{"a", "b", "c", "d", "e"}, talks, month, trend)
	var order []string
	for _, d := range got {
		order = append(order, d.Member)
	}
	// d is below target; e never talked; then b (longer ago) before c.
	if want := []string{"d", "e", "b", "c"}; !reflect.DeepEqual(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	if !got[0].Below || got[1].Last != nil || got[2].Last != talks[1] {
		t.Errorf("due: %+v", got)
	}
}

func TestHistoryAtJudgesThePastAtItsLevel(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	h := &History{Changes: []*Change{
		{Member: "xiaowang", From: "agent", To: "senior", At: at("2026-11-28T10:00:00+08:00")},
		{Member: "xiaoli", From: "agent", To: "senior", At: at("2026-06-01T10:00:00+08:00")},
		{Member: "xiaoli", From: "senior", To: "lead", At: at("2026-12-01T09:00:00+08:00")},
	}}
	cases := []struct {
		member, current string
		t               time.Time
		want            string
	}{
		{"xiaowang", "senior", at("2026-10-31T23:59:59+08:00"), "agent"},  // October: before the promotion
		{"xiaowang", "senior", at("2026-11-30T23:59:59+08:00"), "senior"}, // November: promoted on the 28th
		{"xiaoli", "lead", at("2026-05-31T23:59:59+08:00"), "agent"},
		{"xiaoli", "lead", at("2026-11-30T23:59:59+08:00"), "senior"},   // promoted again on 1 December
		{"aqiang", "senior", at("2026-01-01T00:00:00+08:00"), "senior"}, // no history: as configured
	}
	for _, c := range cases {
		if got := h.At(c.member, c.current, c.t); got != c.want {
			t.Errorf("%s at %s = %q, want %q", c.member, c.t.Format(time.DateOnly), got, c.want)
		}
	}
	var none *History
	if got := none.At("x", "agent", time.Now()); got != "agent" {
		t.Errorf("no history: %q", got)
	}
}
