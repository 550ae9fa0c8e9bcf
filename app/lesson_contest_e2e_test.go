package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/lesson"
)

// contestQuestion returns the open contest question i of team's session and
// its card message.
func (r *lessonRun) contestQuestion(team string, after int64, i, n int) (*lesson.Question, lessonMsg) {
	r.t.Helper()
	msg := r.waitBot(team, after, fmt.Sprintf("第 %d/%d 题", i+1, n))
	s, err := r.app.Lessons().Repo.Active(context.Background(), team)
	if err != nil || s == nil {
		r.t.Fatalf("no contest in progress: %v", err)
	}
	bank, _ := r.app.Lessons().Repo.Bank(context.Background())
	q, _ := bank.Question(s.Questions[i].QID)
	return q, msg
}

// contestTitles reads the contest titles of the recognition ledger.
func contestTitles(t *testing.T, r *lessonRun) []string {
	t.Helper()
	st, err := awards.Load(context.Background(), r.app.Store)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range st.Entries {
		if e.Kind == awards.KindTitle && strings.Contains(e.Period, "-Q") {
			out = append(out, e.Award+"="+e.Member)
		}
	}
	return out
}

func TestContestEndToEnd(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	cfg := demoConfig(t)
	cfg.Lesson.Contest.Questions = 5
	cfg.Lesson.Contest.QuestionSeconds = 30
	r := startLessonApp(t, cfg, clock)
	const chat = "presale"

	if got := r.ask(chat, "xiaowang", "/contest start"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent starting a contest: %q", got)
	}
	if got := r.ask(chat, "chen", "/contest stop"); !strings.Contains(got, "没有进行中的大练兵") {
		t.Errorf("stop without a contest: %q", got)
	}

	// Not while a lesson runs, and /contest stop leaves the lesson alone.
	r.ask(chat, "chen", "/lesson start 运费险")
	if got := r.ask(chat, "chen", "/contest start"); !strings.Contains(got, "微课在进行中（运费险）") {
		t.Errorf("contest during a lesson: %q", got)
	}
	if got := r.ask(chat, "chen", "/contest stop"); !strings.Contains(got, "没有进行中的大练兵") {
		t.Errorf("/contest stop during a lesson: %q", got)
	}
	if s, _ := r.app.Lessons().Repo.Active(context.Background(), chat); s == nil || s.Kind != lesson.KindLesson {
		t.Fatalf("/contest stop ended the lesson: %+v", s)
	}
	if got := r.ask(chat, "chen", "/lesson stop"); !strings.Contains(got, "已停止") {
		t.Fatalf("lesson stop: %q", got)
	}

	// The contest: five questions of 30 seconds, right away.
	mark := r.lastID(chat)
	start := clock.Now()
	if got := r.ask(chat, "chen", "/大练兵 start"); !strings.Contains(got, "季度服务技能大练兵开始**：共 5 题，每题 30 秒") {
		t.Fatalf("contest intro: %q", got)
	}
	r.waitBot(chat, mark, "第 1/5 题") // delivered before the next command's reply
	if got := r.ask(chat, "chen", "/contest start"); !strings.Contains(got, "大练兵已经在进行中") {
		t.Errorf("second start: %q", got)
	}
	if got := r.ask(chat, "chen", "/lesson start"); !strings.Contains(got, "大练兵正在进行中") {
		t.Errorf("a lesson during the contest: %q", got)
	}
	if got := r.ask(chat, "chen", "/lesson stop"); !strings.Contains(got, "/contest stop") {
		t.Errorf("/lesson stop during the contest: %q", got)
	}
	if got := r.ask(chat, "xiaowang", "/contest stop"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent stopping the contest: %q", got)
	}

	// Four agents: 大刘 fastest but mostly wrong, 小王 fast with one miss,
	// 小李 all right at 12 s, 阿强 all right at 20 s.
	type player struct {
		id    string
		after time.Duration
		wrong map[int]bool
	}
	players := []player{
		{"daliu", 1 * time.Second, map[int]bool{0: true, 2: true, 4: true}},
		{"xiaowang", 3 * time.Second, map[int]bool{3: true}},
		{"xiaoli", 12 * time.Second, nil},
		{"aqiang", 20 * time.Second, nil},
	}
	var snapshot *lesson.Session
	for i := 0; i < 5; i++ {
		q, msg := r.contestQuestion(chat, mark, i, 5)
		if !strings.Contains(msg.body(), "30 秒") {
			t.Errorf("question %d shows no time limit: %q", i+1, msg.body())
		}
		opened := clock.Now()
		for _, p := range players {
			r.clock.Add(opened.Add(p.after).Sub(clock.Now()))
			if got := r.ask(chat, p.id, "@班组助手 "+answerFor(t, q, msg.Card, !p.wrong[i])); !strings.Contains(got, "已记录") {
				t.Errorf("question %d, %s: %q", i+1, p.id, got)
			}
		}
		if i == 0 {
			// Past the time limit, before the ticker runs: too late.
			r.clock.Add(opened.Add(30 * time.Second).Sub(clock.Now()))
			if got := r.ask(chat, "xiaowen", "@班组助手 A"); !strings.Contains(got, "第 1 题已经结束了") {
				t.Errorf("a late answer: %q", got)
			}
		}
		if i == 4 {
			// What a restart would find if the process died during the end.
			snapshot, _ = r.app.Lessons().Repo.Active(context.Background(), chat)
		}
		mark = r.lastID(chat)
		r.advance(opened.Add(33 * time.Second).Sub(clock.Now()))
		if i < 4 {
			// The answer rides on the next question's card.
			r.waitBot(chat, mark, fmt.Sprintf("上一题（第 %d 题）", i+1))
		}
	}
	res := r.waitBot(chat, mark, "大练兵成绩").body()
	for _, want := range []string{"**本季称号**", "🏆 问题终结者（答对最多）：小李", "⚡ 服务速度王（正确率 80% 以上、平均用时最短）：小王",
		"小李 ", "（答对 5/5）", "小王 ", "（答对 4/5）"} {
		if !strings.Contains(res, want) {
			t.Errorf("results lack %q:\n%s", want, res)
		}
	}
	// 大刘, fourth, is not in the group's top 3: his result is his own.
	if strings.Contains(res, "大刘") {
		t.Errorf("the results name the fourth:\n%s", res)
	}
	if got := r.waitBot("inbox:daliu", 0, "你的大练兵成绩").body(); !strings.Contains(got, "第 4/4 名，答对 2/5 题") {
		t.Errorf("大刘's private result:\n%s", got)
	}
	if end := clock.Now().Sub(start); end != 5*33*time.Second {
		t.Errorf("contest ended after %v", end)
	}
	if got := fmt.Sprint(contestTitles(t, r)); got != "[问题终结者=xiaoli 服务速度王=xiaowang]" {
		t.Errorf("titles in the recognition ledger: %s", got)
	}

	// The end once more, as after a crash before the session was closed:
	// the titles and points are not granted twice.
	if snapshot == nil {
		t.Fatal("no snapshot")
	}
	r.waitEnded(chat)
	if ok, err := r.app.Lessons().Repo.Begin(context.Background(), snapshot); err != nil || !ok {
		t.Fatalf("restore: %v %v", ok, err)
	}
	mark = r.lastID(chat)
	r.advance(time.Second)
	r.waitBot(chat, mark, "大练兵成绩")
	if got := fmt.Sprint(contestTitles(t, r)); got != "[问题终结者=xiaoli 服务速度王=xiaowang]" {
		t.Errorf("titles after the end ran twice: %s", got)
	}
	points := map[string]int{}
	r.app.Store.Ledger(context.Background(), lesson.PointsLedger, 0, func(_ int64, e []byte) error {
		var p lesson.PointsEntry
		json.Unmarshal(e, &p)
		if p.Source == "contest" {
			points[p.Member]++
		}
		return nil
	})
	if fmt.Sprint(points) != "map[aqiang:1 daliu:1 xiaoli:1 xiaowang:1]" {
		t.Errorf("contest points entries: %v", points)
	}

	// /badges shows the title, with the quarter.
	if got := r.ask(chat, "xiaowang", "/badges"); !strings.Contains(got, "2026年第4季度服务速度王") {
		t.Errorf("/badges: %q", got)
	}
	if got := r.ask(chat, "xiaoli", "/badges"); !strings.Contains(got, "2026年第4季度问题终结者") {
		t.Errorf("/badges: %q", got)
	}
}

// /contest stop ends early and scores what was asked; /contest cancel
// scores nothing.
func TestContestStopAndCancel(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	cfg := demoConfig(t)
	cfg.Lesson.Contest.Questions = 6
	r := startLessonApp(t, cfg, clock)
	const chat = "aftersale"

	mark := r.lastID(chat)
	r.ask(chat, "lin", "/contest start")
	for i := 0; i < 2; i++ {
		q, msg := r.contestQuestion(chat, mark, i, 6)
		opened := clock.Now()
		r.clock.Add(2 * time.Second)
		r.ask(chat, "xiaozhou", "@班组助手 "+answerFor(t, q, msg.Card, true))
		r.clock.Add(5 * time.Second)
		r.ask(chat, "xiaozheng", "@班组助手 "+answerFor(t, q, msg.Card, i == 0))
		if i == 0 {
			mark = r.lastID(chat)
			r.advance(opened.Add(33 * time.Second).Sub(clock.Now()))
		}
	}
	// Stopped while question 2 is open: it is revealed, then the results.
	mark = r.lastID(chat)
	r.ask(chat, "lin", "/contest stop")
	r.waitBot(chat, mark, "已出 2/6 题")
	res := r.waitBot(chat, mark, "大练兵成绩").body()
	for _, want := range []string{"问题终结者（答对最多）：小周", "服务速度王（正确率 80% 以上、平均用时最短）：小周", "小郑 ", "（答对 1/2）"} {
		if !strings.Contains(res, want) {
			t.Errorf("results lack %q:\n%s", want, res)
		}
	}
	if got := fmt.Sprint(contestTitles(t, r)); got != "[问题终结者=xiaozhou 服务速度王=xiaozhou]" {
		t.Errorf("titles: %s", got)
	}
	r.waitEnded(chat)
	if got := r.ask(chat, "xiaozhou", "/a A"); !strings.Contains(got, "现在没有进行中的题目") {
		t.Errorf("an answer after the stop: %q", got)
	}

	// Cancelled: no results, no titles, no points.
	mark = r.lastID(chat)
	r.ask(chat, "lin", "/contest start")
	q, msg := r.contestQuestion(chat, mark, 0, 6)
	r.clock.Add(time.Second)
	r.ask(chat, "afang", "@班组助手 "+answerFor(t, q, msg.Card, true))
	if got := r.ask(chat, "lin", "/contest cancel"); !strings.Contains(got, "已停止") || !strings.Contains(got, "不计入积分") {
		t.Errorf("cancel: %q", got)
	}
	if got := fmt.Sprint(contestTitles(t, r)); got != "[问题终结者=xiaozhou 服务速度王=xiaozhou]" {
		t.Errorf("titles after a cancelled contest: %s", got)
	}
	r.app.Store.Ledger(context.Background(), lesson.PointsLedger, 0, func(_ int64, e []byte) error {
		var p lesson.PointsEntry
		json.Unmarshal(e, &p)
		if p.Member == "afang" && p.Source == "contest" {
			t.Errorf("points for a cancelled contest: %+v", p)
		}
		return nil
	})
}
