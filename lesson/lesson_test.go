package lesson

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

func TestParseAndGrade(t *testing.T) {
	single := &Question{ID: "s", Type: Single, Options: []string{"a", "b", "c", "d"}, Answer: []string{"C"}}
	multi := &Question{ID: "m", Type: Multiple, Options: []string{"a", "b", "c", "d"}, Answer: []string{"A", "C"}}
	tf := &Question{ID: "t", Type: TrueFalse, Answer: []string{"错"}}
	fill := &Question{ID: "f", Type: Fill, Answer: []string{"72", "七十二"}}
	perm := []int{2, 0, 1, 3} // displayed A is option C
	cases := []struct {
		q     *Question
		perm  []int
		in    string
		right bool
		err   string
	}{
		{single, nil, "C", true, ""},
		{single, nil, " ｃ ", true, ""},
		{single, perm, "A", true, ""},
		{single, perm, "C", false, ""},
		{single, nil, "AB", false, "只能选一个"},
		{single, nil, "E", false, "选项只有 A 到 D"},
		{single, nil, "好的", false, "单选题"},
		{multi, nil, "AC", true, ""},
		{multi, nil, "c、a", true, ""},
		{multi, nil, "Ａ，Ｃ", true, ""},
		{multi, nil, "A", false, ""},
		{multi, nil, "ACD", false, ""},
		{tf, nil, "错", true, ""},
		{tf, nil, "×", true, ""},
		{tf, nil, "对", false, ""},
		{tf, nil, "也许", false, "对 或 错"},
		{fill, nil, "７２", true, ""},
		{fill, nil, " 七十二 ", true, ""},
		{fill, nil, "48", false, ""},
	}
	for _, c := range cases {
		r, err := ParseResponse(c.q, c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %q: err %v, want %q", c.q.ID, c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %q: %v", c.q.ID, c.in, err)
			continue
		}
		if got := Grade(c.q, c.perm, r); got != c.right {
			t.Errorf("%s %q: graded %v, want %v", c.q.ID, c.in, got, c.right)
		}
	}
	if got := CorrectDisplayed(single, perm); got != "A. c" {
		t.Errorf("displayed answer %q", got)
	}
	if Normalize(" Ｈｅｌｌｏ，World！ ") != "helloworld" {
		t.Errorf("normalize: %q", Normalize(" Ｈｅｌｌｏ，World！ "))
	}
}

func TestShuffleIsStableAndAPermutation(t *testing.T) {
	a, b := Shuffle(5, "s1/0"), Shuffle(5, "s1/0")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("not stable: %v %v", a, b)
	}
	seen := map[int]bool{}
	for _, v := range a {
		seen[v] = true
	}
	if len(seen) != 5 {
		t.Fatalf("not a permutation: %v", a)
	}
	differs := false
	for i := range 20 {
		if fmt.Sprint(Shuffle(4, fmt.Sprint("x", i))) != "[0 1 2 3]" {
			differs = true
		}
	}
	if !differs {
		t.Error("shuffle never moves anything")
	}
}

func TestScoring(t *testing.T) {
	s := DefaultScoring()
	if got := s.Score(true, 0, time.Minute); got != 1000 {
		t.Errorf("instant: %d", got)
	}
	if got := s.Score(true, 30*time.Second, time.Minute); got != 750 {
		t.Errorf("half time: %d", got)
	}
	if got := s.Score(true, 2*time.Minute, time.Minute); got != 500 {
		t.Errorf("late: %d", got)
	}
	if got := s.Score(false, 0, time.Minute); got != 0 {
		t.Errorf("wrong: %d", got)
	}
	low := Scoring{Points: 1000, MinShare: 0.1}
	if got := low.Score(true, time.Minute, time.Minute); got != 500 {
		t.Errorf("min share is never below half: %d", got)
	}
	answers := []Answer{
		{Member: "a", Name: "A", Q: 0, Correct: true, Points: 900, Elapsed: 1000},
		{Member: "a", Name: "A", Q: 1, Correct: true, Points: 900, Elapsed: 1000},
		{Member: "b", Name: "B", Q: 0, Correct: true, Points: 950, Elapsed: 500},
		{Member: "b", Name: "B", Q: 1, Correct: false},
	}
	r := Tally(answers, 2, s)
	if r.Members[0].Member != "a" || r.Members[0].Score != 1800 || len(r.Members[1].Wrong) != 1 || r.Questions[0].Fastest != "B" {
		t.Errorf("tally: %+v", r)
	}
	withStreak := Tally(answers, 2, Scoring{Streak: 100})
	if withStreak.Members[0].Score != 1900 {
		t.Errorf("streak bonus: %+v", withStreak.Members[0])
	}
	solver, speed := ContestTitles(r, 2, 0.8)
	if solver != "a" || speed != "a" {
		t.Errorf("titles: %s %s", solver, speed)
	}
}

func TestSessionTimeline(t *testing.T) {
	bank := Starter()
	start := time.Date(2026, 10, 14, 14, 0, 0, 0, time.UTC)
	qids := PickQuestions(bank.Lesson("L01"), 4)
	s, err := NewSession("t-1", KindLesson, start, qids, nil, bank, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if end := s.EndAt().Sub(start); end > 15*time.Minute {
		t.Errorf("results due at +%v", end)
	}
	kinds := []StepKind{}
	now := start
	for i := 0; i < 100 && !s.Done; i++ {
		if st, ok := s.Due(now); ok {
			kinds = append(kinds, st.Kind)
			if st.Kind == StepQuestion {
				s.Questions[st.Q].Opened = true
				if s.Open(now) != st.Q {
					t.Errorf("question %d should be open at %v", st.Q, now)
				}
			}
			s.Complete()
			continue
		}
		now = now.Add(10 * time.Second)
	}
	if fmt.Sprint(kinds) != "[knowledge case question question question question results]" {
		t.Errorf("steps: %v", kinds)
	}
	// Skip during the knowledge point moves everything earlier.
	s2, _ := NewSession("t-2", KindLesson, start, qids, nil, bank, DefaultOptions())
	s2.Complete()
	s2.Skip(start.Add(time.Minute))
	if st, ok := s2.Due(start.Add(time.Minute)); !ok || st.Kind != StepCase {
		t.Errorf("skip: %v %v", st, ok)
	}
	if got := s2.EndAt().Sub(s.EndAt()); got != -2*time.Minute {
		t.Errorf("skip shifted the end by %v", got)
	}
}

func TestChooseFollowsWeakSpots(t *testing.T) {
	bank := Starter()
	now := time.Date(2026, 10, 14, 14, 0, 0, 0, time.UTC)
	c := Choose(bank, []string{"差评"}, nil, nil, now, 14)
	if !c.Lesson.Matches("差评") || !strings.Contains(c.Reason, "差评") {
		t.Errorf("bad reviews rising should pick a 差评 lesson: %s %s", c.Lesson.Topic, c.Reason)
	}
	last := map[string]time.Time{c.Lesson.ID: now.AddDate(0, 0, -2)}
	c2 := Choose(bank, []string{"差评"}, nil, last, now, 14)
	if c2.Lesson.ID == c.Lesson.ID {
		t.Errorf("repeated %s within the window", c.Lesson.ID)
	}
	c3 := Choose(bank, nil, map[string]int{"L16": 3}, nil, now, 14)
	if c3.Lesson.ID != "L16" {
		t.Errorf("recent wrong answers should pick L16, got %s", c3.Lesson.ID)
	}
}

func TestLeitner(t *testing.T) {
	now := time.Date(2026, 10, 14, 14, 0, 0, 0, time.UTC)
	var w WrongItem
	w.Miss(now, "A")
	if w.Box != 1 || w.Due != "2026-10-15" || w.DueOn("2026-10-14") {
		t.Fatalf("miss: %+v", w)
	}
	for i := 0; i < 4; i++ {
		if w.Hit(now) {
			t.Fatalf("mastered too early at box %d", w.Box)
		}
	}
	if !w.Hit(now) {
		t.Error("a right answer from the last box should master the item")
	}
}

func TestImportErrorsNameRows(t *testing.T) {
	_, err := ParseYAML("x.yaml", []byte("lessons:\n  - id: A\n    topic: t\n    category: c\n    knowledge: k\n    case: c\n    questions:\n      - {id: A-1, type: multiple, text: q, options: [x, y], answer: [A], explanation: e}\n"))
	if err == nil || !strings.Contains(err.Error(), "第 8 行") || !strings.Contains(err.Error(), "至少要有两个") {
		t.Errorf("err = %v", err)
	}
	if _, err := ParseYAML("x.yaml", []byte("lessons: [\n")); err == nil || !strings.Contains(err.Error(), "YAML 格式错误") {
		t.Errorf("syntax: %v", err)
	}
	data, err := MarshalXLSX(Starter().Lessons)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseXLSX("bank.xlsx", data)
	if err != nil || len(back) != len(Starter().Lessons) || NewBank(back).NumQuestions() != Starter().NumQuestions() {
		t.Fatalf("xlsx round trip: %v %d", err, len(back))
	}
	y, _ := MarshalYAML(Starter().Lessons)
	if again, err := ParseYAML("y", y); err != nil || len(again) != len(back) {
		t.Fatalf("yaml round trip: %v", err)
	}
}

func openStores(t testing.TB) map[string]store.Store {
	out := map[string]store.Store{}
	emb, err := embedded.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	out["embedded"] = emb
	if url := redistest.URL(t); url != "" {
		rs, err := redisstore.Open(redisstore.Options{URL: url, Prefix: fmt.Sprintf("lessontest%d:", time.Now().UnixNano())})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rs.Close() })
		out["redis"] = rs
	}
	return out
}

// 300 agents answer the same question within a second, each twice: every
// first answer is recorded exactly once.
func TestConcurrentFirstAnswers(t *testing.T) {
	for name, st := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			repo := NewRepo(st)
			ctx := context.Background()
			var firsts atomic.Int64
			var wg sync.WaitGroup
			for i := range 300 {
				for try := range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						a := Answer{Member: fmt.Sprintf("agent%03d", i), Q: 0, Resp: Response{Picks: []int{try}}, Correct: try == 0, Points: 900}
						ok, err := repo.Answer(ctx, "s-300", a)
						if err != nil {
							t.Error(err)
						}
						if ok {
							firsts.Add(1)
						}
					}()
				}
			}
			wg.Wait()
			all, err := repo.Answers(ctx, "s-300")
			if err != nil {
				t.Fatal(err)
			}
			if firsts.Load() != 300 || len(all) != 300 {
				t.Fatalf("first answers accepted %d, stored %d, want 300", firsts.Load(), len(all))
			}
		})
	}
}

// BenchmarkAnswers measures stored first answers per second on each store.
func BenchmarkAnswers(b *testing.B) {
	for name, st := range openStores(b) {
		b.Run(name, func(b *testing.B) {
			repo := NewRepo(st)
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					a := Answer{Member: fmt.Sprintf("agent%06d", i), Q: int(i % 5), Resp: Response{Picks: []int{1}}, Points: 800}
					if _, err := repo.Answer(ctx, "bench", a); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
		})
	}
}

// BenchmarkTally scores 200 agents' answers to 6 questions.
func BenchmarkTally(b *testing.B) {
	var answers []Answer
	for m := range 200 {
		for q := range 6 {
			answers = append(answers, Answer{Member: fmt.Sprint("m", m), Name: fmt.Sprint("M", m), Q: q, Correct: (m+q)%3 != 0, Points: 500 + m, Elapsed: int64(m * 10)})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		Tally(answers, 6, DefaultScoring())
	}
}

// BenchmarkGrade parses and grades typed answers.
func BenchmarkGrade(b *testing.B) {
	q := &Question{ID: "m", Type: Multiple, Options: []string{"a", "b", "c", "d"}, Answer: []string{"A", "C"}}
	f := &Question{ID: "f", Type: Fill, Answer: []string{"72", "七十二"}}
	b.ReportAllocs()
	for b.Loop() {
		r, _ := ParseResponse(q, "Ａ、c")
		Grade(q, nil, r)
		r, _ = ParseResponse(f, " ７２ ")
		Grade(f, nil, r)
	}
}
