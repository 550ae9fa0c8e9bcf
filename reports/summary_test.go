package reports

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
)

var updateSummary = flag.Bool("update-summary", false, "rewrite the chat summary golden files")

// golden compares got with testdata/summary/name, or rewrites it with -update-summary.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "summary", name)
	if *updateSummary {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -run Summary -update-summary to create it)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

type testPeople map[string][2]string // id -> name, level

func (p testPeople) Name(id string) string {
	if v, ok := p[id]; ok {
		return v[0]
	}
	return id
}

func (p testPeople) Level(id string) string {
	if v, ok := p[id]; ok {
		return v[1]
	}
	return kpi.LevelAgent
}

var people = testPeople{
	"xw": {"小王", kpi.LevelAgent}, "xl": {"小李", kpi.LevelAgent},
	"aq": {"阿强", kpi.LevelSenior}, "dl": {"大刘", kpi.LevelAgent},
}

// rec builds one agent-day: served, inquiries, paid, ratings, satisfied,
// dissatisfied, first response seconds, sales in yuan.
func rec(agent, date string, served, inq, paid, ratings, sat, bad, first, sales float64) kpi.Record {
	r := kpi.Record{Team: "t", Date: date, Agent: agent, Source: "test"}
	r.Set(kpi.Served, kpi.QExact, served, 0)
	r.Set(kpi.Inquiries, kpi.QExact, inq, 0)
	r.Set(kpi.Paid, kpi.QExact, paid, 0)
	r.Set(kpi.Ratings, kpi.QExact, ratings, 0)
	r.Set(kpi.Satisfied, kpi.QExact, sat, ratings)
	r.Set(kpi.Dissatisfied, kpi.QExact, bad, ratings)
	r.Set(kpi.FirstResp, kpi.QExact, first*served, served)
	r.SetSales(kpi.QExact, int64(sales*100))
	return r
}

func report(recs ...kpi.Record) *kpi.Report {
	rep := &kpi.Report{Agents: map[string]*kpi.Totals{}}
	for i := range recs {
		r := &recs[i]
		if rep.Agents[r.Agent] == nil {
			rep.Agents[r.Agent] = &kpi.Totals{}
		}
		rep.Agents[r.Agent].Add(r)
		rep.Total.Add(r)
	}
	return rep
}

func dailyFixture() Daily {
	day := report(
		rec("xw", "2026-11-22", 80, 40, 8, 20, 17, 2, 29.5, 3456.7),
		rec("xl", "2026-11-22", 95, 50, 12, 25, 24, 1, 18.2, 5120),
		rec("aq", "2026-11-22", 120, 60, 18, 30, 29, 0, 16.4, 8890.5),
		rec("dl", "2026-11-22", 5, 2, 0, 1, 1, 0, 12, 0), // a half day: no star
	)
	prev := report(
		rec("xw", "2026-11-21", 70, 35, 7, 20, 18, 1, 25, 3000),
		rec("xl", "2026-11-21", 90, 45, 10, 22, 21, 1, 19, 4800),
		rec("aq", "2026-11-21", 110, 55, 15, 28, 27, 0, 15, 8000),
	)
	mtd := report(
		rec("xw", "2026-11-21", 70, 35, 7, 20, 18, 1, 25, 3000),
		rec("xl", "2026-11-21", 90, 45, 10, 22, 21, 1, 19, 4800),
		rec("aq", "2026-11-21", 110, 55, 15, 28, 27, 0, 15, 8000),
		rec("xw", "2026-11-22", 80, 40, 8, 20, 17, 2, 29.5, 3456.7),
		rec("xl", "2026-11-22", 95, 50, 12, 25, 24, 1, 18.2, 5120),
		rec("aq", "2026-11-22", 120, 60, 18, 30, 29, 0, 16.4, 8890.5),
	)
	return Daily{
		TeamName: "售前组", Date: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
		Day: day, Prev: prev, MTD: mtd, MTDLabel: "11月1日–22日",
		Targets: nil, Weights: config.DefaultStarWeights(), People: people,
	}
}

func TestSummaryDaily(t *testing.T) {
	got := DailySummary(dailyFixture())
	golden(t, "daily.golden", got)
	// Figures computed by hand, independent of the golden file:
	// team satisfaction (17+24+29+1)/(20+25+30+1) = 71/76 = 93.4%.
	for _, want := range []string{"满意率 93.4%", "⭐ 今日之星：阿强", "接待 **300** 人", "本月至今"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// 小王 missed three targets and 小李 one: the group post names neither
	// for it (小王 is third of the top three, named there only).
	if strings.Contains(got, "85.0%") || strings.Contains(got, "小李 4.0%") || strings.Contains(got, "还差一点") {
		t.Errorf("the group post names misses:\n%s", got)
	}
	if n := strings.Count(got, "\n") + 1; n > MaxSummaryLines {
		t.Errorf("summary has %d lines, over %d:\n%s", n, MaxSummaryLines, got)
	}
	if strings.Contains(got, "大刘 ") && strings.Contains(got, "1. 大刘") {
		t.Error("an agent with 5 customers must not rank")
	}
	if n := len(got); n > 4096 {
		t.Errorf("summary is %d bytes, over the 4096-byte markdown limit", n)
	}
}

func TestSummaryNoPreviousDay(t *testing.T) {
	in := dailyFixture()
	in.Prev = report()
	got := DailySummary(in)
	if strings.Contains(got, "较前日") {
		t.Errorf("no previous day, yet a change is shown:\n%s", got)
	}
}

func TestSummaryAgentAndTeamKPI(t *testing.T) {
	in := dailyFixture()
	rules := kpi.RulesFor(nil, kpi.LevelAgent)
	got := AgentKPI("小王", "客服", rules,
		Period{Label: "昨天（11月22日）", Totals: in.Day.Agents["xw"]},
		Period{Label: "本月至今（11月1日–22日）", Totals: in.MTD.Agents["xw"]},
		Period{Label: "上月", Totals: nil})
	golden(t, "agent.golden", got)
	team := TeamKPI("售前组", "本月至今（11月1日–22日）", in.MTD, kpi.RulesFor(nil, kpi.LevelTeam), config.DefaultStarWeights(), people)
	golden(t, "team.golden", team)
	if !strings.Contains(TeamKPI("售前组", "上月", report(), nil, nil, people), "暂无数据") {
		t.Error("an empty team period must say there is no data")
	}
}

// The supervisors read who missed what, with each person's 3-month trend
// and whom to talk to; a team that opted in names the misses in the group.
func TestSummaryMissesForSupervisors(t *testing.T) {
	in := dailyFixture()
	month := func(date string, xwFirst, xwSat, xlFirst float64) *kpi.Report {
		return report(
			rec("xw", date, 100, 50, 10, 20, xwSat, 0, xwFirst, 1000),
			rec("xl", date, 100, 50, 10, 20, 19, 0, xlFirst, 1000),
		)
	}
	// 小王's first response got worse two months running; 小李's did not.
	in.Months = []MonthReport{
		{"9月", month("2026-09-10", 18, 19, 15)},
		{"10月", month("2026-10-10", 22, 18, 14)},
		{"11月", month("2026-11-10", 26, 18, 16)},
	}
	got := SupervisorMisses(in)
	golden(t, "misses.golden", got)
	for _, want := range []string{"**小王**：", "首次响应 29.5 秒（目标 ≤ 20.0 秒）", "首次响应 9月 18.0 秒 → 10月 22.0 秒 → 11月 26.0 秒",
		"**小李**：差评率 4.0%", "建议本周一对一：小王（3 项未达标，首次响应连续两个月变差）"} {
		if !strings.Contains(got, want) {
			t.Errorf("supervisors' message lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "一对一：小王（3 项未达标，首次响应连续两个月变差）、小李") {
		t.Errorf("小李 missed one target and improves: no talk suggested:\n%s", got)
	}
	if strings.Index(got, "小王") > strings.Index(got, "小李") {
		t.Errorf("the one with most misses comes first:\n%s", got)
	}

	in.PublicMisses = true
	pub := DailySummary(in)
	if !strings.Contains(pub, "**💪 还差一点**：") || !strings.Contains(pub, "差评率 小李、小王") || strings.Contains(pub, "85.0%") {
		t.Errorf("public misses (names, no figures):\n%s", pub)
	}
	if n := strings.Count(pub, "\n") + 1; n > MaxSummaryLines {
		t.Errorf("summary with public misses has %d lines:\n%s", n, pub)
	}

	in.Day = report(rec("aq", "2026-11-22", 120, 60, 18, 30, 29, 0, 16.4, 8890.5))
	if got := SupervisorMisses(in); got != "" {
		t.Errorf("nobody missed, yet: %q", got)
	}
}
