package reports

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/points"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"小王": "小王", "": "", "=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1": "'+1", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)", "＝1+1": "'＝1+1", "a=b": "a=b",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// day makes one agent-day with the given counts.
func day(team, agent, date string, served, ratings, sat float64) kpi.Record {
	var r kpi.Record
	r.Team, r.Agent, r.Date, r.Source = team, agent, date, "test"
	r.Set(kpi.Served, kpi.QExact, served, 0)
	r.Set(kpi.Ratings, kpi.QExact, ratings, 0)
	r.Set(kpi.Satisfied, kpi.QExact, sat, ratings)
	r.Set(kpi.FirstResp, kpi.QExact, 10*served, served)
	return r
}

type fakeLessons []LessonRow

func (f fakeLessons) LessonSheet(context.Context, string, time.Time, time.Time) ([]LessonRow, error) {
	return f, nil
}

type fakeKnowledge []KnowledgeRow

func (f fakeKnowledge) KnowledgeSheet(context.Context, string, time.Time, time.Time) ([]KnowledgeRow, error) {
	return f, nil
}

type fakeAwards []AwardRow

func (f fakeAwards) AwardSheet(context.Context, string, time.Time, time.Time) ([]AwardRow, error) {
	return f, nil
}

type failingKnowledge struct{}

func (failingKnowledge) KnowledgeSheet(context.Context, string, time.Time, time.Time) ([]KnowledgeRow, error) {
	return nil, fmt.Errorf("boom")
}

// TestWorkbookUserTextAndProviders checks the sheets other features feed,
// 三维绩效 computed by hand, and that text from users never becomes a formula.
func TestWorkbookUserTextAndProviders(t *testing.T) {
	repo, st := newRepo(t)
	ctx := context.Background()
	// a: 100% of 1 rating on day 1, 50% of 99 on day 2 → 50.5%, not 75%.
	recs := []kpi.Record{
		day("t", "a", "2026-10-01", 10, 1, 1),
		day("t", "a", "2026-10-02", 90, 99, 49.5),
		day("t", "b", "2026-10-01", 50, 20, 19),
	}
	if err := repo.PutBatch(ctx, recs); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{ // as the writers stored them
		`{"member":"a","team":"t","points":30,"source":"quiz","at":"2026-10-05T10:00:00+08:00"}`,
		`{"member":"b","team":"t","points":50,"source":"knowledge","date":"2026-10-31"}`,
		`{"member":"b","team":"t","points":999,"source":"quiz","at":"2026-11-01T00:00:00+08:00"}`, // next month
		`{"member":"a","team":"t","points":7,"source":"quiz"}`,                                    // no time
		`{"member":"a","team":"other","points":500,"date":"2026-10-03"}`,
	} {
		if _, _, err := st.Append(ctx, points.Ledger, "", []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	team := Team{ID: "t", Name: "=cmd|' /C calc'!A0", Members: []Member{
		{ID: "a", Name: "@SUM(1+1)", Level: "agent", Agent: true},
		{ID: "b", Name: "+小李", Level: "senior", Agent: true},
		{ID: "c", Name: "新人", Agent: true}, // on the roster, no data
	}}
	b := &Builder{KPI: repo, Points: st,
		Weights: Weights{Service: 2, Learning: 1, Team: 1},
		Lessons: fakeLessons{
			{Member: "a", Lessons: 20, Attended: 18, Answered: 50, Correct: 40, Weak: []string{"=活动规则", "物流"}},
			{Member: "b", Lessons: 20, Attended: 10, Answered: 30, Correct: 30, Weak: []string{"物流", "售后"}},
		},
		Knowledge: fakeKnowledge{{Member: "a", Submitted: 5, Approved: 3, Rejected: 1}, {Member: "b", Submitted: 1, Approved: 1}},
		Awards: fakeAwards{{Member: "b", Award: "-伯乐奖", Date: time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), Reason: "=推荐入职", Points: 500},
			// A KPI title: listed, but counted under 服务指标 only, not again in 团队贡献.
			{Member: "a", Award: "客户满意奖", Date: time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC), Reason: "2026年10月客户满意奖", Points: 500, FromKPI: true}},
	}
	from, to := october()
	f := build(t, b, &Request{Teams: []Team{team}, From: from, To: to, Label: "2026年10月"})

	// No cell anywhere is a formula, and the dangerous names kept a quote.
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for i, r := range rows {
			for j, v := range r {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fm, _ := f.GetCellFormula(s, ref); fm != "" {
					t.Errorf("%s!%s is a formula: %q", s, ref, fm)
				}
				if v != "" && strings.ContainsAny(v[:1], "=+-@") {
					t.Errorf("%s!%s starts with %q: %q", s, ref, v[:1], v)
				}
			}
		}
	}

	idx, rows := sheetTable(t, f, SheetAgents, 2)
	got := map[string][]string{}
	for _, r := range rows {
		got[cell(r, idx["客服"])] = r
	}
	if len(got) != 3 || got["'@SUM(1+1)"] == nil || got["'+小李"] == nil || got["新人"] == nil {
		t.Fatalf("客服明细 names %v", got)
	}
	near(t, "a 满意率 (sums over sums)", cell(got["'@SUM(1+1)"], idx["满意率"]), 50.5/100)
	near(t, "a 首次响应时间", cell(got["'@SUM(1+1)"], idx["首次响应时间"]), 10)
	if cell(got["新人"], idx["达标情况"]) != "无数据" {
		t.Errorf("an agent without data: %v", got["新人"])
	}

	// 排行榜 积分: only timed entries of this team and period count.
	idx, rows = sheetTable(t, f, SheetRanking, 2)
	points := map[string]string{}
	for _, r := range rows {
		if cell(r, idx["榜单"]) == "积分" {
			points[cell(r, idx["客服"])] = cell(r, idx["数值"])
		}
	}
	if points["'+小李"] != "50" || points["'@SUM(1+1)"] != "30" || len(points) != 2 {
		t.Errorf("积分榜 %v", points)
	}
	if note, _ := f.GetCellValue(SheetRanking, "A1"); !strings.Contains(note, "1 条积分记录没有时间") {
		t.Errorf("排行榜 note %q", note)
	}

	// 微课堂: team row first, then agents.
	idx, rows = sheetTable(t, f, SheetLessons, 2)
	if len(rows) != 3 || cell(rows[0], idx["客服"]) != "全组" {
		t.Fatalf("微课堂 rows %v", rows)
	}
	near(t, "全组 出勤率", cell(rows[0], idx["出勤率"]), 28.0/40)
	near(t, "全组 正确率", cell(rows[0], idx["正确率"]), 70.0/80)
	if w := cell(rows[0], idx["薄弱知识点"]); w != "物流、'=活动规则、售后" {
		t.Errorf("team weak topics %q", w)
	}

	// 知识众筹 and 荣誉勋章.
	idx, rows = sheetTable(t, f, SheetKnowledge, 2)
	if len(rows) != 3 || cell(rows[0], idx["提交"]) != "6" || cell(rows[0], idx["通过"]) != "4" {
		t.Errorf("知识众筹 rows %v", rows)
	}
	near(t, "a 通过率", cell(rows[1], idx["通过率"]), 3.0/4)
	idx, rows = sheetTable(t, f, SheetAwards, 2)
	if len(rows) != 2 || cell(rows[0], idx["荣誉"]) != "'-伯乐奖" || cell(rows[0], idx["说明"]) != "'=推荐入职" {
		t.Errorf("荣誉勋章 rows %v", rows)
	}

	// 三维绩效 by hand. Service is the daily star's composite (kpi.Scores),
	// relative within the team.
	rep := &kpi.Report{Agents: map[string]*kpi.Totals{}}
	for i := range recs {
		if rep.Agents[recs[i].Agent] == nil {
			rep.Agents[recs[i].Agent] = &kpi.Totals{}
		}
		rep.Agents[recs[i].Agent].Add(&recs[i])
	}
	service := map[string]float64{}
	for _, s := range kpi.Scores(rep, config.DefaultStarWeights(), 0) {
		service[s.Agent] = s.Score
	}
	idx, rows = sheetTable(t, f, SheetEval, 2)
	byName := map[string][]string{}
	for _, r := range rows {
		byName[cell(r, idx["客服"])] = r
	}
	a, bb := byName["'@SUM(1+1)"], byName["'+小李"]
	near(t, "a 服务指标", cell(a, idx["服务指标"]), service["a"])
	near(t, "b 服务指标", cell(bb, idx["服务指标"]), service["b"])
	if service["a"] >= service["b"] {
		t.Errorf("a (satisfaction 50.5%%) should score below b (95%%): %v", service)
	}
	// Learning: mean of attendance and accuracy.
	near(t, "a 学习成长", cell(a, idx["学习成长"]), 100*(18.0/20+40.0/50)/2)
	near(t, "b 学习成长", cell(bb, idx["学习成长"]), 100*(10.0/20+30.0/30)/2)
	// Team: approved knowledge + awards, best = 100: a 3 (its KPI title not
	// counted again), b 1+1.
	near(t, "a 团队贡献", cell(a, idx["团队贡献"]), 100)
	near(t, "b 团队贡献", cell(bb, idx["团队贡献"]), 100*2.0/3)
	for _, r := range [][]string{a, bb} {
		s, _ := strconv.ParseFloat(cell(r, idx["服务指标"]), 64)
		l, _ := strconv.ParseFloat(cell(r, idx["学习成长"]), 64)
		m, _ := strconv.ParseFloat(cell(r, idx["团队贡献"]), 64)
		near(t, "综合得分", cell(r, idx["综合得分"]), (2*s+l+m)/4)
	}
	if n := byName["新人"]; cell(n, idx["服务指标"]) != "" || !strings.Contains(cell(n, idx["说明"]), "服务指标") {
		t.Errorf("新人 has no KPI data: %v", n)
	}

	// A failing provider leaves a note, not a failed workbook.
	b.Knowledge = failingKnowledge{}
	f = build(t, b, &Request{Teams: []Team{team}, From: from, To: to, Label: "x"})
	if v, _ := f.GetCellValue(SheetKnowledge, "A3"); !strings.Contains(v, "读取失败") {
		t.Errorf("知识众筹 with a failing provider: %q", v)
	}
	idx, rows = sheetTable(t, f, SheetEval, 2)
	for _, r := range rows {
		if cell(r, idx["团队贡献"]) != "" {
			t.Errorf("团队贡献 without knowledge data: %v", r)
		}
	}
}

// seedBig stores a month of n agents in one team and returns the request.
func seedBig(tb testing.TB, n int) (*kpi.Repo, *Request) {
	repo, _ := newRepo(tb)
	team := Team{ID: "big", Name: "大团队"}
	agents := make([]kpi.DemoAgent, n)
	for i := range n {
		id := fmt.Sprintf("a%03d", i)
		agents[i] = kpi.DemoAgent{ID: id, Senior: i%4 == 0}
		team.Members = append(team.Members, Member{ID: id, Name: fmt.Sprintf("客服%03d", i), Agent: true})
	}
	recs := kpi.DemoRecords("big", agents, time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), 31)
	for i := 0; i < len(recs); i += 4096 {
		if err := repo.PutBatch(context.Background(), recs[i:min(i+4096, len(recs))]); err != nil {
			tb.Fatal(err)
		}
	}
	from, to := october()
	return repo, &Request{Teams: []Team{team}, From: from, To: to, Label: "2026年10月"}
}

// BenchmarkWorkbook builds a month of 500 agents in process (see
// cmd/banzu's BenchmarkReportProcess for the whole command).
func BenchmarkWorkbook(b *testing.B) {
	repo, req := seedBig(b, 500)
	bld := &Builder{KPI: repo}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := bld.Write(context.Background(), req, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
