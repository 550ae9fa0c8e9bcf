package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/lesson"
)

func TestPracticeLessonThroughConsole(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	r := startLessonApp(t, demoConfig(t), clock)
	ctx := context.Background()
	const chat = "presale"

	if got := r.ask(chat, "xiaowang", "/drill"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent starting a drill: %q", got)
	}
	if got := r.ask("inbox:xiaowang", "xiaowang", "/reply 好的"); !strings.Contains(got, "现在没有进行中的实操演练") {
		t.Errorf("a reply without a drill: %q", got)
	}
	if got := r.ask(chat, "chen", "/drill"); !strings.Contains(got, "**知识点**") {
		t.Fatalf("drill starts with the knowledge point: %q", got)
	}
	s, err := r.app.Lessons().Repo.Active(ctx, "presale")
	if err != nil || s == nil || s.Practice == nil || len(s.Questions) != 0 {
		t.Fatalf("the session is a practice: %+v %v", s, err)
	}
	if got := r.ask(chat, "chen", "/drill"); !strings.Contains(got, "已有一节微课在进行中") {
		t.Errorf("a second drill: %q", got)
	}
	mark := r.lastID(chat)
	r.advance(3 * time.Minute)
	r.waitBot(chat, mark, "案例讨论")
	if got := r.ask("inbox:xiaowang", "xiaowang", "/reply 好的"); !strings.Contains(got, "现在没有进行中的实操演练") {
		t.Errorf("a reply before the practice opens: %q", got)
	}

	// Minute 8: the customer message instead of a quiz.
	mark = r.lastID(chat)
	r.advance(5 * time.Minute)
	task := r.waitBot(chat, mark, "实操演练").body()
	if !strings.Contains(task, s.Practice.Message) || !strings.Contains(task, "/reply") || !strings.Contains(task, "到 14:15") {
		t.Errorf("practice task: %q", task)
	}
	if strings.Contains(task, "小测验") {
		t.Errorf("no quiz in a practice: %q", task)
	}
	if got := r.ask(chat, "xiaowang", "/reply 亲，马上帮您处理"); !strings.Contains(got, "请私聊班组助手") {
		t.Errorf("a reply in the group: %q", got)
	}

	// Replies, scored privately: a warm one covering the key points and a
	// cold one.
	warm := "非常理解您的心情，让您久等了。我马上为您核实处理，" + strings.Join(s.Practice.Points, "，") + "，2小时内回复您。"
	got := r.ask("inbox:xiaowang", "xiaowang", "/reply "+warm)
	if !strings.Contains(got, "已收到你的回复") || !strings.Contains(got, "话术温度 100°") || strings.Contains(got, "❌") {
		t.Errorf("warm reply: %q", got)
	}
	cold := r.ask("inbox:xiaoli", "xiaoli", "/演练 不清楚，你自己看详情页")
	if !strings.Contains(cold, "禁忌/绝对化用语 2 处") {
		t.Errorf("cold reply: %q", cold)
	}
	if got := r.ask("inbox:xiaowang", "xiaowang", "/reply 署名"); !strings.Contains(got, "会署名展示") {
		t.Errorf("consent: %q", got)
	}
	if got := r.ask("inbox:daliu", "daliu", "/reply 署名"); !strings.Contains(got, "你还没有提交回复") {
		t.Errorf("consent without a reply: %q", got)
	}
	if r.countBot(chat, warm) != 0 {
		t.Errorf("a reply leaked into the group before the end")
	}

	// Minute 15: the best reply, with the name (consent given).
	mark = r.lastID(chat)
	r.advance(7 * time.Minute)
	end := r.waitBot(chat, mark, "实操演练结束").body()
	if !strings.Contains(end, "共 2 人提交回复") || !strings.Contains(end, "最佳回复（小王，") || !strings.Contains(end, warm) || strings.Contains(end, "你自己看") {
		t.Errorf("results: %q", end)
	}
	if s, _ := r.app.Lessons().Repo.Active(ctx, "presale"); s != nil {
		t.Errorf("the session is still active: %+v", s)
	}
	if got := r.ask("inbox:xiaowang", "xiaowang", "/reply 再来一次"); !strings.Contains(got, "现在没有进行中的实操演练") {
		t.Errorf("a reply after the end: %q", got)
	}
	pts := map[string]int{}
	if err := r.app.Store.Ledger(ctx, lesson.PointsLedger, 0, func(_ int64, raw []byte) error {
		var e lesson.PointsEntry
		json.Unmarshal(raw, &e)
		if e.Source == "practice" {
			pts[e.Member] += e.Points
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if pts["xiaowang"] <= pts["xiaoli"] || pts["xiaowang"] > 1000 {
		t.Errorf("practice points: %v", pts)
	}
	hist, err := r.app.Lessons().Repo.History(ctx, "presale", lessonStartTime().Add(-time.Minute))
	if err != nil || len(hist) != 1 || hist[0].Scores["xiaowang"] != pts["xiaowang"] {
		t.Errorf("history: %+v %v", hist, err)
	}

	// A plain lesson afterwards is a quiz again.
	clock.Add(time.Hour)
	r.ask(chat, "chen", "/lesson start")
	if s, _ := r.app.Lessons().Repo.Active(ctx, "presale"); s == nil || s.Practice != nil || len(s.Questions) == 0 {
		t.Errorf("the next lesson: %+v", s)
	}
}
