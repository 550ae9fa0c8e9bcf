package awards

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
)

func report(days map[string]day) *kpi.Report {
	rep := &kpi.Report{Team: "t1", Agents: map[string]*kpi.Totals{}}
	for id, d := range days {
		tt := &kpi.Totals{}
		for i := 0; i < 20; i++ {
			r := d.record("t1", fmt.Sprintf("2026-10-%02d", i+1), id)
			tt.Add(&r)
		}
		rep.Agents[id] = tt
	}
	return rep
}

func winners(r TitleResult) string {
	s := ""
	for _, w := range r.Winners {
		s += w.Member + " "
	}
	return s
}

// The best agent at everything wins one title; the others go to the next
// best. A title for a figure below the leader's own target goes to the next
// best who meets it.
func TestOneTitlePerPersonAndTitleOnlyOnTarget(t *testing.T) {
	rep := report(map[string]day{
		// star leads every figure, but converts 20% (her senior target is 25%).
		"star":  {served: 100, ratings: 40, sat: 40, inq: 50, paid: 10, first: 10, resolved: 95},
		"two":   {served: 100, ratings: 40, sat: 39, inq: 50, paid: 9, first: 12, resolved: 90},
		"three": {served: 100, ratings: 40, sat: 38, inq: 50, paid: 8, first: 14, resolved: 88},
	})
	titles := []config.AwardTitle{
		{Name: "客户满意奖", Metric: "satisfaction", MinVolume: 100},
		{Name: "响应之星", Metric: "first_response", MinVolume: 500},
		{Name: "首解之星", Metric: "fcr", MinVolume: 500},
		{Name: "转化之星", Metric: "conversion", MinVolume: 200},
	}
	levels := map[string]string{"star": kpi.LevelSenior, "two": kpi.LevelAgent, "three": kpi.LevelAgent}
	tg := config.Targets{"agent": {"satisfaction_min": 0.9, "conversion_min": 0.15}, "senior": {"conversion_min": 0.25}}
	in := TitleInput{Report: rep, MinDays: 10, Weights: config.DefaultStarWeights(),
		Rules: func(id string) map[string]float64 { return kpi.RulesFor(tg, levels[id]) }}

	// No limit: star takes the three titles she leads on target, not 转化之星.
	res := DecideTitles(in, titles)
	for i, want := range []string{"star ", "star ", "star ", "two "} {
		if got := winners(res[i]); got != want {
			t.Errorf("no limit: %s won by %q, want %q", titles[i].Name, got, want)
		}
	}
	// One title per person: each title goes to the best who has none yet.
	in.MaxPerPerson = 1
	res = DecideTitles(in, titles)
	for i, want := range []string{"star ", "two ", "three ", ""} {
		if got := winners(res[i]); got != want {
			t.Errorf("one per person: %s won by %q, want %q", titles[i].Name, got, want)
		}
	}
	// Two per person (configurable).
	in.MaxPerPerson = 2
	res = DecideTitles(in, titles)
	for i, want := range []string{"star ", "star ", "two ", "two "} {
		if got := winners(res[i]); got != want {
			t.Errorf("two per person: %s won by %q, want %q", titles[i].Name, got, want)
		}
	}
	// 服务之星 (composite) has no target of its own: the leader wins it even
	// below another target; the vacancy counts say why a title went begging.
	tg["agent"]["conversion_min"] = 0.30 // nobody meets conversion
	levels["star"] = kpi.LevelAgent
	in.MaxPerPerson = 1
	res = DecideTitles(in, []config.AwardTitle{{Name: "服务之星", Metric: "composite", MinVolume: 500}, titles[3], titles[0]})
	if got := winners(res[0]); got != "star " {
		t.Errorf("composite leader: %q", got)
	}
	if r := res[1]; len(r.Winners) != 0 || r.OffTarget != 3 || r.Contenders != 3 {
		t.Errorf("nobody on the conversion target: %+v", r)
	}
	if r := res[2]; winners(r) != "two " || r.Holders != 1 {
		t.Errorf("satisfaction after star's 服务之星: %+v", r)
	}
}

// An after-sales team judged without conversion gets no 转化之星, its own
// targets without conversion_min, and its own 挽单能手.
func TestPerTeamMetricSetsAndTitles(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	s.Cfg.MaxTitlesPerPerson = 1
	s.Teams = map[string]config.Team{"after": {ID: "after", Metrics: []string{"served", "first_response", "satisfaction", "fcr", "recovered"}}}
	rec := good
	rec.recovered = 30
	putDays(t, s, "after", "a", "2026-10", 20, rec)
	putDays(t, s, "after", "b", "2026-10", 20, good)
	putDays(t, s, "sales", "a2", "2026-10", 20, good)
	c, err := s.RunCeremony(ctx, "after", []Member{{ID: "a"}, {ID: "b", Level: kpi.LevelSenior}}, month("2026-10"), time.Date(2026, 11, 1, 10, 0, 0, 0, loc))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tt := range c.Titles {
		names[tt.Title.Name] = true
	}
	if names["转化之星"] || !names["挽单能手"] || !names["服务之星"] || len(c.Titles) != 6 {
		t.Errorf("after-sales titles: %v", names)
	}
	if got := s.TeamTargets("after")[kpi.LevelSenior]; got[kpi.RuleConversionMin] != 0 || got[kpi.RuleSatisfactionMin] != 0.9 {
		t.Errorf("after-sales senior targets keep satisfaction, drop conversion: %v", got)
	}
	if w := s.TeamWeights("after"); w["conversion"] != 0 || w["satisfaction"] == 0 || w["served"] == 0 {
		t.Errorf("after-sales composite weights: %v", w)
	}
	// The sales team (not configured) keeps every title.
	if n := len(s.TeamTitles("sales")); n != 7 {
		t.Errorf("sales titles: %d", n)
	}
	// Own titles replace the global ones.
	s.Teams["after"] = config.Team{ID: "after", Titles: []config.AwardTitle{{Name: "挽单能手", Metric: "recovered", MinVolume: 100, Points: 800}}}
	if got := s.TeamTitles("after"); len(got) != 1 || got[0].Points != 800 {
		t.Errorf("own titles: %+v", got)
	}
}

// Titles and their points are dated in the month they are for: granted on
// 1 December, November's awards lead /leaderboard 上月 and sit in the
// November workbook, not December's; a revocation in December takes the
// points back from November.
func TestCeremonyPointsAndRowsAreDatedInTheirMonth(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	putDays(t, s, "t1", "win", "2026-11", 20, good)
	putDays(t, s, "t1", "low", "2026-11", 20, poor)
	dec1 := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	c, err := s.RunCeremony(ctx, "t1", []Member{{ID: "win"}, {ID: "low"}}, month("2026-11"), dec1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Month != "2026-11" || len(c.Titles[0].Winners) != 1 {
		t.Fatalf("ceremony: %+v", c)
	}
	// A December award for late, so the December board is not empty.
	if _, _, err := s.Give(ctx, Entry{Award: Grievance, Member: "late", Team: "t1", Reason: "x", At: dec1}, "g1"); err != nil {
		t.Fatal(err)
	}
	last, err := period.Parse("上月", dec1, period.Range{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Leaderboard(ctx, BoardPoints, "t1", last, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Places) == 0 || b.Places[0].Member != "win" || b.Places[0].Value < 1000 {
		t.Errorf("上月 on 1 December: %+v", b.Places)
	}
	for _, p := range b.Places {
		if p.Member == "late" {
			t.Errorf("late's December award counted in November: %+v", b.Places)
		}
	}
	dec := period.Month(dec1)
	b, _ = s.Leaderboard(ctx, BoardPoints, "t1", dec, nil)
	if len(b.Places) != 1 || b.Places[0].Member != "late" {
		t.Errorf("December board holds only December's award: %+v", b.Places)
	}
	nov := period.Month(month("2026-11"))
	rows, _ := s.Rows(ctx, "t1", nov.From, nov.To)
	if len(rows) == 0 {
		t.Fatal("November workbook rows empty")
	}
	for _, r := range rows {
		if !nov.Contains(r.Date) {
			t.Errorf("November row dated %s: %+v", r.Date, r)
		}
		if r.Member == "late" {
			t.Errorf("December award in the November workbook: %+v", r)
		}
	}
	rows, _ = s.Rows(ctx, "t1", dec.From, dec.To)
	if len(rows) != 1 || rows[0].Member != "late" {
		t.Errorf("December workbook: %+v", rows)
	}
	// Revoked in December: November's board loses the points, December's is untouched.
	if _, _, err := s.Revoke(ctx, c.Titles[0].Winners[0].Seq, "sup", "数据有误", dec1.AddDate(0, 0, 5)); err != nil {
		t.Fatal(err)
	}
	b, _ = s.Leaderboard(ctx, BoardPoints, "t1", last, nil)
	for _, p := range b.Places {
		if p.Member == "win" && p.Value >= 1000 {
			t.Errorf("revoked title still counted in November: %+v", b.Places)
		}
	}
	b, _ = s.Leaderboard(ctx, BoardPoints, "t1", dec, nil)
	if len(b.Places) != 1 || b.Places[0].Member != "late" {
		t.Errorf("December board after the revocation: %+v", b.Places)
	}
}
