package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
)

// sheetRows reads a sheet's raw cell values, keyed by the name in column
// col (0-based); the title, note and header rows drop out as they name no
// one.
func sheetRows(t *testing.T, f *excelize.File, sheet string, col int) map[string][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, row := range rows {
		if len(row) > col && row[col] != "" {
			out[row[col]] = row
		}
	}
	return out
}

// cell is row[i] as a number, NaN-free: -1 when empty or not a number.
func cell(row []string, i int) float64 {
	if i >= len(row) {
		return -1
	}
	v, err := strconv.ParseFloat(row[i], 64)
	if err != nil {
		return -1
	}
	return v
}

// TestReportSheetsFromLessonAndKnowledge runs a lesson and a knowledge review
// in the console, then checks the day's workbook: the 微课堂 and 知识众筹
// sheets come from what happened, and 三维绩效 has its learning and team
// dimensions.
func TestReportSheetsFromLessonAndKnowledge(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	r := startLessonApp(t, demoConfig(t), clock)
	const chat = "presale"

	// A lesson: at question 1 小王 and 阿强 tap the right option, 小李 the
	// wrong one; nobody answers the rest.
	if got := r.ask(chat, "chen", "/lesson start 运费险"); !strings.Contains(got, "每日微课堂 · 运费险") {
		t.Fatalf("lesson start: %q", got)
	}
	mark := r.lastID(chat)
	r.advance(8 * time.Minute)
	q1 := r.waitBot(chat, mark, "第 1/").Card
	if q1 == nil {
		t.Fatal("question 1 is not a card")
	}
	right, wrong := option(t, q1, "退货退款成功后"), option(t, q1, "顾客申请退货时")
	r.clock.Add(3 * time.Second)
	r.tap(chat, "xiaowang", q1.ID, right)
	r.tap(chat, "aqiang", q1.ID, right)
	r.tap(chat, "xiaoli", q1.ID, wrong)
	mark = r.lastID(chat)
	for i := 0; i < 10; i++ {
		if s, err := r.app.Lessons().Repo.Active(context.Background(), chat); err != nil || s == nil {
			break
		}
		r.advance(63 * time.Second)
	}
	r.waitBot(chat, mark, "微课堂成绩")
	r.waitEnded(chat)

	// Knowledge: 小王's submission is approved, 小李's rejected.
	m := kbRefRE.FindStringSubmatch(r.ask(chat, "xiaowang", "/submit 运费险多久能到账 | 三天左右 #运费险"))
	if m == nil {
		t.Fatal("no entry id")
	}
	kbMust(t, r.ask(chat, "chen", "/approve "+m[1]), "已通过")
	m = kbRefRE.FindStringSubmatch(r.ask(chat, "xiaoli", "/submit 运费险到账要多久 | 看情况"))
	if m == nil {
		t.Fatal("no entry id")
	}
	kbMust(t, r.ask(chat, "chen", "/reject "+m[1]+" 重复"), "已驳回")

	// Today's workbook: the demo's lessons were on earlier days, and of the
	// demo knowledge only 小李's pending submission is from today. The demo
	// KPI history ends yesterday; a report needs today's too.
	var agents []kpi.DemoAgent
	for _, m := range r.app.Directory.Team(chat).Members {
		if r.app.Directory.RoleOf(m) == bot.RoleAgent {
			agents = append(agents, kpi.DemoAgent{ID: m.ID})
		}
	}
	if err := kpi.NewRepo(r.app.Store).PutBatch(context.Background(), kpi.DemoRecords(chat, agents, period.Day(clock.Now()), 1)); err != nil {
		t.Fatal(err)
	}
	day := clock.Now().Format(time.DateOnly)
	msg, _ := r.waitFile(chat, r.postID(chat, "chen", "/report "+day+" "+day))
	f := r.download(msg.File.URL)

	// 微课堂: 团队 客服 课程数 参加 出勤率 答题数 答对 正确率 薄弱知识点
	lessons := sheetRows(t, f, reports.SheetLessons, 1)
	for who, want := range map[string][]float64{
		"全组": {1, 3, 3.0 / 8, 3, 2, 2.0 / 3},
		"小王": {1, 1, 1, 1, 1, 1},
		"阿强": {1, 1, 1, 1, 1, 1},
		"小李": {1, 1, 1, 1, 0, 0},
		"晓雯": {1, 0, 0, 0, 0, -1},
	} {
		row := lessons[who]
		if row == nil {
			t.Errorf("微课堂 has no row for %s: %v", who, lessons)
			continue
		}
		for i, w := range want {
			if got := cell(row, 2+i); got < w-0.001 || got > w+0.001 {
				t.Errorf("微课堂 %s column %d = %q, want %v (row %q)", who, 3+i, row[2+i], w, row)
			}
		}
	}
	if row := lessons["小李"]; len(row) < 9 || row[8] != "运费险" {
		t.Errorf("小李's weak topics: %q", row)
	}
	if row := lessons["全组"]; len(row) < 9 || row[8] != "运费险" {
		t.Errorf("the team's weak topics: %q", row)
	}
	if row := lessons["小王"]; len(row) > 8 && row[8] != "" {
		t.Errorf("小王 has no weak topic: %q", row)
	}

	// 知识众筹: 团队 贡献者 提交 通过 驳回 待审 通过率
	kb := sheetRows(t, f, reports.SheetKnowledge, 1)
	for who, want := range map[string][]float64{
		"全组（1 位贡献者）": {3, 1, 1, 1, 0.5},
		"小王":         {1, 1, 0, 0, 1},
		"小李":         {2, 0, 1, 1, 0},
	} {
		row := kb[who]
		if row == nil {
			t.Errorf("知识众筹 has no row for %s: %v", who, kb)
			continue
		}
		for i, w := range want {
			if got := cell(row, 2+i); got < w-0.001 || got > w+0.001 {
				t.Errorf("知识众筹 %s column %d = %q, want %v (row %q)", who, 3+i, row[2+i], w, row)
			}
		}
	}
	if len(kb) != 4 { // the header and the three rows
		t.Errorf("知识众筹 rows: %v", kb)
	}

	// 三维绩效: 排名 团队 客服 服务指标 学习成长 团队贡献 综合得分 说明
	eval := sheetRows(t, f, reports.SheetEval, 2)
	for who, want := range map[string][2]float64{
		"小王": {100, 100}, // came and answered right; the only approval
		"小李": {50, 0},    // came, answered wrong
		"晓雯": {0, 0},     // absent
	} {
		row := eval[who]
		if row == nil {
			t.Errorf("三维绩效 has no row for %s", who)
			continue
		}
		if got := cell(row, 4); got < want[0]-0.01 || got > want[0]+0.01 {
			t.Errorf("三维绩效 %s 学习成长 = %q, want %v", who, row[4], want[0])
		}
		if got := cell(row, 5); got < want[1]-0.01 || got > want[1]+0.01 {
			t.Errorf("三维绩效 %s 团队贡献 = %q, want %v", who, row[5], want[1])
		}
		if len(row) > 7 && (strings.Contains(row[7], "学习成长") || strings.Contains(row[7], "团队贡献")) {
			t.Errorf("三维绩效 %s still misses a dimension: %q", who, row[7])
		}
	}
}
