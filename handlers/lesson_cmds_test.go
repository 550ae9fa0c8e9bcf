package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
	"github.com/banzu-bot/banzu/wording"
)

// lessonRig is a bottest rig on a fake clock (a workday at 14:00) with the
// lesson and drill commands, the answer fallback and the runner.
func lessonRig(t *testing.T) (*bottest.Rig, *lessonbot.Lessons) {
	t.Helper()
	r := bottest.New(t, bottest.At(time.Date(2026, 12, 1, 14, 0, 0, 0, time.FixedZone("CST", 8*3600))))
	l := lessonbot.NewLessons(r.Bot, lesson.NewRepo(r.Store), lesson.DefaultOptions(), nil, "")
	w := &handlers.Wording{Repo: &wording.Repo{St: r.Store, Starter: wording.Starter()},
		Weights: wording.Weights{Affirm: r.Cfg.Growth.Wording.AffirmPercent, Solution: r.Cfg.Growth.Wording.SolutionPercent, Care: r.Cfg.Growth.Wording.CarePercent}}
	d := &lessonbot.Drills{Lessons: l, Check: handlers.WordingCheck(w)}
	l.Practice = d
	r.Add(handlers.Lessons{Runner: l}.Commands()...)
	r.Add(handlers.Drills{Drills: d}.Commands()...)
	r.Bot.AddFallback(l.Fallback())
	r.Start()
	return r, l
}

func wantReply(t *testing.T, r *bottest.Rig, chat, user, text string, want ...string) {
	t.Helper()
	got := r.Ask(chat, user, text)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s in %s: %q\nreply lacks %q:\n%s", user, chat, text, w, got)
		}
	}
}

// TestLessonCommandsRefuseAgents checks that the supervisor's lesson
// commands are refused to agents and that nothing starts.
func TestLessonCommandsRefuseAgents(t *testing.T) {
	r, l := lessonRig(t)
	for _, c := range []struct{ cmd, name string }{{"/lesson start", "lesson"}, {"/lesson stop", "lesson"}, {"/微课 skip", "lesson"},
		{"/contest start", "contest"}, {"/camp start @小美", "camp"}, {"/drill", "drill"}} {
		wantReply(t, r, "presale", "xiaowang", c.cmd, "抱歉，/"+c.name+" 仅限主管及以上角色使用")
	}
	if s, err := l.Repo.Active(context.Background(), "presale"); err != nil || s != nil {
		t.Errorf("an agent's command started %v (%v)", s, err)
	}
	// What agents may do: answer, read their book, practise.
	wantReply(t, r, "presale", "xiaowang", "/a B", "现在没有进行中的题目")
	wantReply(t, r, "presale", "xiaowang", "/mistakes", "错题本是空的")
	wantReply(t, r, "presale", "xiaowang", "/practice", "你的错题本是空的")
}

// TestLessonCommandsExplainUsage checks the usage answers to bad input.
func TestLessonCommandsExplainUsage(t *testing.T) {
	r, _ := lessonRig(t)
	wantReply(t, r, "presale", "chen", "/lesson jump", `不认识的操作 "jump"`, "用法：/lesson start [主题]")
	wantReply(t, r, "presale", "chen", "/contest", "用法：/contest start")
	wantReply(t, r, "presale", "chen", "/contest jump", `不认识的操作 "jump"`, "用法：/contest start")
	wantReply(t, r, "presale", "chen", "/camp start", "请写明新人的名字", "用法：/camp start @名字")
	wantReply(t, r, "presale", "chen", "/camp start @nobody", "团队里没有找到 @nobody")
	wantReply(t, r, "presale", "xiaowang", "/a", "用法：/a 答案")
	wantReply(t, r, "presale", "chen", "/lesson start 没有这个主题", "题库里没有“没有这个主题”相关的课程", "可选主题：")
	wantReply(t, r, "presale", "chen", "/lesson", "现在没有进行中的微课", "用法：/lesson start")
}

// TestLessonStartSkipStop drives a lesson by its commands: start posts the
// knowledge, a second start and a contest are refused while it runs,
// status and skip report and move it on, stop ends it without points.
func TestLessonStartSkipStop(t *testing.T) {
	r, _ := lessonRig(t)
	wantReply(t, r, "presale", "chen", "/lesson skip", "现在没有进行中的微课。发送 /lesson start 开始。")
	wantReply(t, r, "presale", "chen", "/lesson stop", "现在没有进行中的微课。")
	wantReply(t, r, "presale", "chen", "/lesson start 运费险", "📚 每日微课堂 · 运费险")
	wantReply(t, r, "presale", "chen", "/lesson start", "已有一节微课在进行中（运费险）")
	wantReply(t, r, "presale", "chen", "/contest start", "现在有一节微课在进行中（运费险）")
	wantReply(t, r, "presale", "chen", "/contest stop", "现在没有进行中的大练兵（正在进行的是微课：运费险）")
	wantReply(t, r, "presale", "chen", "/lesson status", "正在进行：微课 · 运费险（14:00 开始", "已出 0/")
	wantReply(t, r, "presale", "chen", "/lesson skip", "🗣 案例讨论 · 运费险")
	wantReply(t, r, "presale", "chen", "/lesson stop", "本次微课已停止（运费险），成绩不计入积分。")
	wantReply(t, r, "presale", "chen", "/lesson status", "现在没有进行中的微课")
	if said := r.BotSaid("aftersale"); len(said) != 0 {
		t.Errorf("presale's lesson posted in aftersale: %q", said)
	}
}

// TestDrillReply runs a /drill to its practice task and scores a reply sent
// privately; in the group /reply is refused.
func TestDrillReply(t *testing.T) {
	r, l := lessonRig(t)
	ctx := context.Background()
	wantReply(t, r, "presale", "chen", "/drill 运费险", "📚 每日微课堂 · 运费险", "实操演练")
	s, err := l.Repo.Active(ctx, "presale")
	if err != nil || s == nil || s.Practice == nil {
		t.Fatalf("/drill started %+v (%v), want a practice", s, err)
	}
	wantReply(t, r, "inbox:xiaowang", "xiaowang", "/reply 亲，理解您", "现在没有进行中的实操演练")
	r.Clock.Set(s.Practice.OpenAt)
	if err := l.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	r.Drain()
	if said := r.BotSaid("presale"); !strings.Contains(said[len(said)-1], "🛠 **实操演练 · 运费险**") {
		t.Fatalf("the practice task is not posted: %q", said[len(said)-1])
	}
	wantReply(t, r, "presale", "xiaowang", "/reply 亲，理解您", "请私聊班组助手发送 /reply")
	wantReply(t, r, "inbox:xiaowang", "xiaowang", "/reply 亲，非常理解您的心情，运费险赔付不足的部分我帮您申请补偿，您看可以吗？", "已收到你的回复：**", "话术温度", "同意最佳回复署名展示请发 /reply 署名")
	wantReply(t, r, "inbox:xiaowang", "xiaowang", "/reply 署名", "好的，如果你的回复是最佳回复，会署名展示。")
	wantReply(t, r, "inbox:xiaoli", "xiaoli", "/reply 署名", "你还没有提交回复")
	got, err := l.Repo.PracticeReply(ctx, s.ID, "xiaowang")
	if err != nil || got == nil || !got.Consent || got.Score <= 0 {
		t.Errorf("xiaowang's reply as stored: %+v (%v)", got, err)
	}
}
