package lessonbot

import (
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

// TestQuestionCardReviewNamesNobody checks that a question mixed in from
// wrong-answer books says in the group how many got it wrong before, not who:
// who answered what is private to each person and their supervisor.
func TestQuestionCardReviewNamesNobody(t *testing.T) {
	s := &lesson.Session{ID: "presale-1", Limit: time.Minute, Questions: []lesson.SessionQuestion{
		{QID: "q1", Review: []string{"xiaowang", "xiaomei"}, Prev: "上一题（第 1 题）答案：**错**。"},
	}}
	q := &lesson.Question{ID: "q1", Type: lesson.TrueFalse, Text: "定金可以原路退回。", Answer: []string{"错"}}
	m := questionMessage(s, 0, q, (*bot.Directory)(nil))
	text := m.Markdown
	if m.Card != nil {
		text = m.Card.Text
	}
	for _, name := range []string{"xiaowang", "xiaomei", "小王", "小美"} {
		if strings.Contains(text, name) {
			t.Errorf("card names %s in the group:\n%s", name, text)
		}
	}
	if !strings.Contains(text, "2 位同事之前答错过这题") {
		t.Errorf("card does not say how many got it wrong before:\n%s", text)
	}
	if !strings.Contains(text, "上一题（第 1 题）答案") {
		t.Errorf("card lost the previous answer:\n%s", text)
	}
}

// TestSupervisorResultTitle checks the supervisor's private report names the
// lesson readably: the kind, then the topic in brackets, and a contest whose
// topic already says 大练兵 without the word twice.
func TestSupervisorResultTitle(t *testing.T) {
	for _, c := range []struct {
		kind  lesson.Kind
		topic string
		want  string
	}{
		{lesson.KindLesson, "7天无理由退货", "**售前组 · 微课「7天无理由退货」 · 参加与答错情况**"},
		{lesson.KindContest, "季度服务技能大练兵", "**售前组 · 季度服务技能大练兵 · 参加与答错情况**"},
	} {
		s := &lesson.Session{ID: "presale-1", Kind: c.kind, Topic: c.topic}
		got := renderSupervisorResult(s, lesson.Results{}, &bot.Team{Name: "售前组"})
		if first, _, _ := strings.Cut(got, "\n"); !strings.HasPrefix(first, c.want) {
			t.Errorf("%s: title %q, want %q", c.kind, first, c.want)
		}
	}
}

// TestDrillPostsSayPractice checks that a /drill lesson's knowledge and
// case posts announce 实操演练 and how to reply, not "小测验：共 0 题".
func TestDrillPostsSayPractice(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	t0 := time.Date(2026, 12, 1, 7, 30, 0, 0, loc)
	o := lesson.Options{}.Norm()
	les := &lesson.Lesson{Topic: "价保", Category: "平台规则", Knowledge: "价保 = 价格保护", Case: "顾客：“我刚买就降价，退我 40！”", Prompt: "怎么接住情绪？"}
	s := &lesson.Session{ID: "presale-3", Kind: lesson.KindLesson, Start: t0,
		Steps: []lesson.Step{{Kind: lesson.StepKnowledge, At: t0}, {Kind: lesson.StepCase, At: t0.Add(o.KnowledgeFor)}}}
	s.MakePractice(lesson.Practice{Message: "我刚买就降价，退我 40！"}, o)

	know := renderKnowledge(s, les, o, loc)
	if !strings.Contains(know, "案例讨论 5 分钟 → 实操演练 → 07:45 前公布成绩") {
		t.Errorf("knowledge post:\n%s", know)
	}
	c := renderCase(s, les, loc)
	for _, want := range []string{"07:38 开始实操演练", "/reply"} {
		if !strings.Contains(c, want) {
			t.Errorf("case post lacks %q:\n%s", want, c)
		}
	}
	if strings.Contains(c, "共 0 题") || strings.Contains(c, "小测验") {
		t.Errorf("case post of a drill talks of a quiz:\n%s", c)
	}
}
