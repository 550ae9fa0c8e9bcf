package lessonbot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLessonRunsFromKnowledgeToResults steps a lesson by the clock and Tick:
// the knowledge post, the case, one card per question; an answer by /a and
// one by a card tap are acknowledged to the sender alone and counted, and
// the results are posted once.
func TestLessonRunsFromKnowledgeToResults(t *testing.T) {
	r, l := rig(t)
	ctx := context.Background()
	s := begin(t, r, l)
	if said := r.BotSaid("presale"); len(said) != 1 || !strings.Contains(said[0], "每日微课堂 · "+lessonTopic) {
		t.Fatalf("after start the group has %q, want the knowledge post", said)
	}
	tick(t, r, l, start.Add(2*time.Minute))
	if said := r.BotSaid("presale"); len(said) != 1 {
		t.Fatalf("a tick before the case is due posted: %q", said[1:])
	}
	tick(t, r, l, s.Steps[1].At)
	if said := r.BotSaid("presale"); len(said) != 2 || !strings.Contains(said[1], "案例讨论 · "+lessonTopic) {
		t.Fatalf("the case is not posted: %q", said)
	}

	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tappedQ := -1
	for i, sq := range s.Questions {
		before := lastID(r, "presale")
		tick(t, r, l, sq.OpenAt)
		posts := group(r, before)
		title := fmt.Sprintf("第 %d/%d 题", i+1, len(s.Questions))
		if len(posts) != 1 || !strings.Contains(bottestText(posts[0]), title) {
			t.Fatalf("question %d: the group got %d posts, want its card %q: %+v", i+1, len(posts), title, posts)
		}
		q, _ := bank.Question(sq.QID)
		typed, taps := right(q, sq.Perm)
		if c := posts[0].Card; c != nil && tappedQ < 0 {
			if want := fmt.Sprintf("lesson:%s:%d", s.ID, i); c.ID != want {
				t.Fatalf("card id %q, want %q", c.ID, want)
			}
			r.Tap("presale", "xiaoli", c.ID, taps...)
			r.Drain()
			tappedQ = i
			mine := r.View("presale", "xiaoli", 0)
			if got := bottestText(find(mine, posts[0].ID)); !strings.Contains(got, "✅ 你的答案") {
				t.Errorf("xiaoli's card after her tap:\n%s", got)
			}
			if got := bottestText(find(r.View("presale", "xiaowang", 0), posts[0].ID)); strings.Contains(got, "你的答案") {
				t.Errorf("xiaowang sees xiaoli's answer on the card:\n%s", got)
			}
		}
		if got := r.Ask("presale", "xiaowang", "/a "+typed); !strings.Contains(got, fmt.Sprintf("第 %d 题：✅ 你的答案", i+1)) {
			t.Errorf("question %d: /a %s answered %q", i+1, typed, got)
		}
	}
	if tappedQ < 0 {
		t.Fatalf("no question of %s came as a card", lessonTopic)
	}
	if n := count(r.BotSaid("presale"), "✅ 你的答案"); n != 0 {
		t.Errorf("%d answer acknowledgements are visible to the whole group", n)
	}

	answers, err := l.Repo.Answers(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, a := range answers {
		if !a.Correct {
			t.Errorf("%s's answer to question %d is counted wrong", a.Member, a.Q+1)
		}
		by[a.Member]++
	}
	if by["xiaowang"] != len(s.Questions) || by["xiaoli"] != 1 || len(by) != 2 {
		t.Errorf("answers counted %v, want xiaowang %d and xiaoli 1", by, len(s.Questions))
	}

	end := s.Steps[len(s.Steps)-1].At
	tick(t, r, l, end)
	tick(t, r, l, end.Add(time.Hour))
	said := r.BotSaid("presale")
	if n := count(said, "微课堂成绩 · "+lessonTopic); n != 1 {
		t.Fatalf("results posted %d times, want once:\n%s", n, strings.Join(said, "\n---\n"))
	}
	if got := strings.Join(r.BotSaid("inbox:xiaowang"), "\n"); !strings.Contains(got, "你的微课堂成绩") || !strings.Contains(got, "全部答对") {
		t.Errorf("xiaowang's private result:\n%s", got)
	}
	if got := strings.Join(r.BotSaid("inbox:chen"), "\n"); !strings.Contains(got, "参加与答错情况") || !strings.Contains(got, "参加 2/") {
		t.Errorf("the supervisor's private result:\n%s", got)
	}
	if cur, err := l.Repo.Active(ctx, "presale"); err != nil || cur != nil {
		t.Errorf("after the results the lesson is still running: %v %v", cur, err)
	}
}

// TestRestartedRunnerResumes starts a lesson on one runner and lets a new
// runner on the same store (banzu after a restart) carry it on from where
// it was, posting nothing twice.
func TestRestartedRunnerResumes(t *testing.T) {
	r, l := rig(t)
	s := begin(t, r, l)
	tick(t, r, l, s.Steps[1].At)

	again := newRunner(r, "replica-a")
	tick(t, r, again, s.Questions[0].OpenAt)
	said := r.BotSaid("presale")
	if len(said) != 3 || !strings.Contains(said[2], fmt.Sprintf("第 1/%d 题", len(s.Questions))) {
		t.Fatalf("after the restart the group has:\n%s", strings.Join(said, "\n---\n"))
	}
	for _, st := range s.Steps[3:] {
		tick(t, r, again, st.At)
	}
	said = r.BotSaid("presale")
	if len(said) != 2+len(s.Questions)+1 || count(said, "每日微课堂 · ") != 1 || count(said, "案例讨论 · ") != 1 || count(said, "微课堂成绩 · ") != 1 {
		t.Errorf("the resumed lesson posted:\n%s", strings.Join(said, "\n---\n"))
	}
}

// TestTwoRunnersAdvanceAStepOnce runs two runners (two replicas) on one
// store: while one holds the team's step lease the other advances nothing,
// and ticking both at once posts every step once.
func TestTwoRunnersAdvanceAStepOnce(t *testing.T) {
	r, a := rig(t)
	b := newRunner(r, "replica-b")
	ctx := context.Background()
	s := begin(t, r, a)

	if ok, err := r.Store.Acquire(ctx, "lesson:presale", "replica-b", time.Minute); err != nil || !ok {
		t.Fatalf("acquire the lease as replica-b: %v %v", ok, err)
	}
	tick(t, r, a, s.Steps[1].At)
	if said := r.BotSaid("presale"); len(said) != 1 {
		t.Fatalf("replica-a advanced the lesson while replica-b held its lease: %q", said[1:])
	}
	if err := r.Store.Release(ctx, "lesson:presale", "replica-b"); err != nil {
		t.Fatal(err)
	}

	for _, st := range s.Steps[1:] {
		r.Clock.Set(st.At)
		var wg sync.WaitGroup
		for _, l := range []interface{ Tick(context.Context) error }{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := l.Tick(ctx); err != nil {
					t.Errorf("tick: %v", err)
				}
			}()
		}
		wg.Wait()
		r.Drain()
	}
	said := r.BotSaid("presale")
	want := 2 + len(s.Questions) + 1
	if len(said) != want || count(said, "案例讨论 · ") != 1 || count(said, "微课堂成绩 · ") != 1 {
		t.Errorf("two runners posted %d messages, want %d:\n%s", len(said), want, strings.Join(said, "\n---\n"))
	}
	for i := range s.Questions {
		if n := count(said, fmt.Sprintf("第 %d/%d 题", i+1, len(s.Questions))); n != 1 {
			t.Errorf("question %d posted %d times", i+1, n)
		}
	}
}
