package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/lesson"
)

// bigTeamConfig is one console team of two supervisors and n agents
// (a01 客服01 …), without demo data.
func bigTeamConfig(t *testing.T, n int) *config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	team := config.Team{ID: "big", Name: "大组", Members: []config.Member{
		{ID: "s1", Name: "周主管", Role: "supervisor"}, {ID: "s2", Name: "吴主管", Role: "supervisor"}}}
	for i := 1; i <= n; i++ {
		team.Members = append(team.Members, config.Member{ID: fmt.Sprintf("a%02d", i), Name: fmt.Sprintf("客服%02d", i), Role: "agent"})
	}
	cfg.Teams = []config.Team{team}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// displayedAnswer is how question i of s is answered right (and wrong) as
// typed text, and the option ids to tap for it (nil for fill-in).
func displayedAnswer(t *testing.T, s *lesson.Session, bank *lesson.Bank, i int) (right, wrong string, tapRight, tapWrong []string, q *lesson.Question) {
	t.Helper()
	sq := s.Questions[i]
	q, _ = bank.Question(sq.QID)
	if q == nil {
		t.Fatalf("question %s not in the bank", sq.QID)
	}
	switch q.Type {
	case lesson.Fill:
		return q.Answer[0], "不知道", nil, nil, q
	case lesson.TrueFalse:
		if q.Correct()[0] == 0 {
			return "对", "错", []string{"A"}, []string{"B"}, q
		}
		return "错", "对", []string{"B"}, []string{"A"}, q
	}
	shown := map[int]int{} // option index -> displayed position
	for d, o := range sq.Perm {
		shown[o] = d
	}
	var letters []string
	for _, o := range q.Correct() {
		letters = append(letters, lesson.Letter(shown[o]))
	}
	slices.Sort(letters)
	other := ""
	for d := range q.Options {
		if !slices.Contains(letters, lesson.Letter(d)) {
			other = lesson.Letter(d)
			break
		}
	}
	if q.Type == lesson.Multiple {
		// Only one of the right options is wrong too.
		return strings.Join(letters, ""), letters[0], letters, letters[:1], q
	}
	return letters[0], other, letters, []string{other}, q
}

// A lesson in a group of 20 agents: the group sees the knowledge point, the
// case, each question and one results post — nothing of anyone's answers
// before the results; each agent gets their result privately, the
// supervisors who was absent and who got what wrong.
func TestLessonQuietInABigGroup(t *testing.T) {
	const agents, absent = 20, 2
	clock := &lessonClock{t: lessonStartTime()}
	cfg := bigTeamConfig(t, agents)
	r := &lessonRun{running: startSeeded(t, cfg, app.Options{Now: clock.Now}, func(demo.Seeder) bool { return false }), clock: clock}
	ctx := context.Background()
	repo := r.app.Lessons().Repo
	bank, err := repo.Bank(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A lesson whose quiz has a single- and a multiple-choice question.
	topic := ""
	for _, les := range bank.Lessons {
		types := map[lesson.QType]bool{}
		for _, id := range lesson.PickQuestions(les, r.app.Lessons().Opts.Questions) {
			q, _ := bank.Question(id)
			types[q.Type] = true
		}
		if types[lesson.Single] && types[lesson.Multiple] {
			topic = les.Topic
			break
		}
	}
	if topic == "" {
		t.Fatal("no lesson in the bank has single and multiple choice questions")
	}
	const chat = "big"
	begin := r.lastID(chat)
	if got := r.ask(chat, "s1", "/lesson start "+topic); !strings.Contains(got, "每日微课堂 · "+topic) {
		t.Fatalf("start: %q", got)
	}
	s, err := repo.Active(ctx, chat)
	if err != nil || s == nil {
		t.Fatalf("no lesson running: %v", err)
	}
	n := len(s.Questions)
	isWrong := func(k int) bool { return k%6 == 0 } // 客服06, 12, 18 answer wrong
	name := func(k int) string { return fmt.Sprintf("客服%02d", k) }
	taps, typed := 0, 0
	sawTypes := map[lesson.QType]bool{}

	r.advance(3 * time.Minute) // the case
	r.advance(5 * time.Minute) // question 1
	for i := 0; i < n; i++ {
		card := r.waitBot(chat, begin, fmt.Sprintf("第 %d/%d 题", i+1, n))
		right, wrong, tapRight, tapWrong, q := displayedAnswer(t, s, bank, i)
		sawTypes[q.Type] = true
		r.clock.Add(2 * time.Second)
		for k := 1; k <= agents-absent; k++ {
			user := fmt.Sprintf("a%02d", k)
			text, opts := right, tapRight
			if isWrong(k) {
				text, opts = wrong, tapWrong
			}
			if k%2 == 1 && card.Card != nil {
				taps++
				var got string
				if q.Type == lesson.Multiple {
					for _, o := range opts {
						if got = r.tap(chat, user, card.Card.ID, o); !strings.Contains(got, "你已选") {
							t.Fatalf("%s tapping %s on question %d: %q", user, o, i+1, got)
						}
					}
					got = r.tap(chat, user, card.Card.ID, "submit")
				} else {
					got = r.tap(chat, user, card.Card.ID, opts...)
				}
				if !strings.Contains(got, "第 "+fmt.Sprint(i+1)+"/") || !strings.Contains(got, "已记录") {
					t.Fatalf("%s's card after answering question %d: %q", user, i+1, got)
				}
				if i > 0 && !strings.Contains(got, fmt.Sprintf("上一题（第 %d 题）答案", i)) {
					t.Errorf("%s's card lost the previous answer: %q", user, got)
				}
				continue
			}
			typed++
			if got := r.ask(chat, user, "@班组助手 "+text); !strings.Contains(got, "已记录") {
				t.Fatalf("%s typing %q for question %d: %q", user, text, i+1, got)
			}
		}
		// Before the reveal the group has seen the card and the typed
		// messages of those who typed, nothing from banzu about them.
		for _, m := range r.messages(chat, card.ID) {
			if m.From == "bot" || strings.Contains(m.body(), "选择了") {
				t.Errorf("question %d: the group sees %s: %q", i+1, m.From, m.body())
			}
		}
		for _, m := range r.messages(chat, begin) {
			if m.Card != nil && (strings.Contains(m.Card.Text, "已记录") || strings.Contains(m.Card.Text, "你已选")) {
				t.Errorf("question %d: the group sees someone's card state: %q", i+1, m.body())
			}
		}
		if s, err = repo.Active(ctx, chat); err != nil || s == nil {
			t.Fatalf("lesson gone after question %d: %v", i+1, err)
		}
		r.advance(s.NextAt().Sub(clock.Now()))
	}
	if !sawTypes[lesson.Single] || !sawTypes[lesson.Multiple] || taps == 0 || typed == 0 {
		t.Fatalf("the quiz should mix single and multiple choice, taps and typed answers: %v, %d taps, %d typed", sawTypes, taps, typed)
	}
	res := r.waitBot(chat, begin, "微课堂成绩").body()
	r.waitEnded(chat)
	r.drain() // the private results are delivered

	// The budget: knowledge point, case, one card per question, results.
	var posts []string
	for _, m := range r.messages(chat, begin) {
		if m.From == "bot" {
			posts = append(posts, m.body())
		}
	}
	t.Logf("%d group posts for %d questions (%d taps, %d typed answers)", len(posts), n, taps, typed)
	if len(posts) > n+4 {
		t.Errorf("%d bot posts in the group for %d questions, want at most %d:\n%s", len(posts), n, n+4, strings.Join(posts, "\n----\n"))
	}
	for _, want := range []string{"**答案与解析**", "🥇", "🥈", "🥉", fmt.Sprintf("参加 %d/%d 人", agents-absent, agents), "正确率"} {
		if !strings.Contains(res, want) {
			t.Errorf("results lack %q:\n%s", want, res)
		}
	}
	for _, not := range []string{"未参加", name(agents), name(agents - 1), name(6), name(12)} {
		if strings.Contains(res, not) {
			t.Errorf("the group's results name %q:\n%s", not, res)
		}
	}

	// Each agent who took part has their result privately; the absent none.
	for k := 1; k <= agents; k++ {
		inbox := fmt.Sprintf("inbox:a%02d", k)
		var got string
		for _, m := range r.messages(inbox, 0) {
			if strings.Contains(m.body(), "你的微课堂成绩") {
				got = m.body()
			}
		}
		switch {
		case k > agents-absent:
			if got != "" {
				t.Errorf("%s was absent but got a result: %q", name(k), got)
			}
		case got == "":
			t.Errorf("%s has no private result", name(k))
		case isWrong(k) != strings.Contains(got, "答错或没答的题"):
			t.Errorf("%s's private result (wrong answers: %v):\n%s", name(k), isWrong(k), got)
		}
	}
	// Both supervisors have the absentees and the wrong answers privately.
	for _, sup := range []string{"s1", "s2"} {
		got := r.waitBot("inbox:"+sup, 0, "参加与答错情况").body()
		for _, want := range []string{"未参加：" + name(agents-1) + "、" + name(agents), "- " + name(6) + "：第 ", "- " + name(18) + "：第 "} {
			if !strings.Contains(got, want) {
				t.Errorf("%s's private results lack %q:\n%s", sup, want, got)
			}
		}
		if strings.Contains(got, "- "+name(1)+"：") {
			t.Errorf("%s's private results list 客服01, who got all right:\n%s", sup, got)
		}
	}
}

// /a answers only the quiz of the chat it was sent in: a stray "/a A" in a
// group with no quiz leaves the sender's review in their private chat alone.
func TestStrayAnswerInGroupLeavesPrivateReview(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	r := startLessonApp(t, demoConfig(t), clock)
	ctx := context.Background()
	const inbox = "inbox:xiaoli"
	mark := r.lastID(inbox)
	r.ask(inbox, "xiaoli", "/复习")
	r.waitBot(inbox, mark, "错题复习 第 1/")
	p, err := r.app.Lessons().Repo.Personal(ctx, "xiaoli")
	if err != nil || p == nil {
		t.Fatalf("no review running: %v", err)
	}
	if got := r.ask("presale", "xiaoli", "/a A"); !strings.Contains(got, "现在没有进行中的题目") {
		t.Errorf("stray /a in the group: %q", got)
	}
	if got := r.ask("presale", "xiaoli", "@班组助手 A"); strings.Contains(got, "回答正确") || strings.Contains(got, "正确答案") {
		t.Errorf("an @ answer in the group answered the private review: %q", got)
	}
	if after, err := r.app.Lessons().Repo.Personal(ctx, "xiaoli"); err != nil || after == nil || after.Idx != p.Idx {
		t.Errorf("the private review moved on: %+v %v", after, err)
	}
	// The group saw none of it: the note is the sender's alone.
	for _, m := range r.messages("presale", 0) {
		if strings.Contains(m.body(), "现在没有进行中的题目") {
			t.Errorf("the group sees the note to xiaoli: %q", m.body())
		}
	}
	// In the private chat the same answer counts.
	if got := r.ask(inbox, "xiaoli", "/a A"); !strings.Contains(got, "正确") && !strings.Contains(got, "请") {
		t.Errorf("/a in the private chat: %q", got)
	}
	if after, _ := r.app.Lessons().Repo.Personal(ctx, "xiaoli"); after != nil && after.Idx == p.Idx {
		t.Errorf("/a in the private chat did not answer the review")
	}
}

// waitEnded waits until the team's session is over (its results are
// posted before it is closed).
func (r *lessonRun) waitEnded(team string) {
	r.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s, err := r.app.Lessons().Repo.Active(context.Background(), team); err == nil && s == nil {
			return
		}
	}
	r.t.Fatalf("the session of %s did not end", team)
}
