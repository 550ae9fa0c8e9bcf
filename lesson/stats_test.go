package lesson

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store/embedded"
)

func TestStats(t *testing.T) {
	st, err := embedded.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	repo := NewRepo(st)
	bank := Starter()
	l1, l2 := bank.Lessons[0], bank.Lessons[1]
	day := time.Date(2026, 10, 14, 14, 0, 0, 0, time.UTC)

	// A lesson of l1 with a review question from l2: wang answers both
	// wrong, li gets the first right.
	qids := []string{l1.Questions[0].ID, l2.Questions[0].ID}
	for _, a := range []Answer{
		{Member: "wang", Q: 0}, {Member: "wang", Q: 1}, {Member: "li", Q: 0, Correct: true},
		{Member: "li", Q: 5}, // beyond the questions asked: ignored
	} {
		if _, err := repo.Answer(ctx, "s1", a); err != nil {
			t.Fatal(err)
		}
	}
	hist := []Summary{
		{SessionID: "s1", Kind: KindLesson, TeamID: "t", LessonID: l1.ID, Topic: l1.Topic, Start: day, Asked: 2, QIDs: qids},
		// From the summary alone (no answers stored): li answered 4, 3 right.
		{SessionID: "s2", Kind: KindLesson, TeamID: "t", Topic: l2.Topic, Start: day.AddDate(0, 0, -1), Asked: 4,
			Scores: map[string]int{"li": 2000}, Correct: map[string]int{"li": 3}},
		// Left out: stopped, a contest, another team, outside the period.
		{SessionID: "s3", Kind: KindLesson, TeamID: "t", Topic: "x", Start: day.Add(time.Hour), Asked: 1, Stopped: true, Scores: map[string]int{"li": 1}},
		{SessionID: "s4", Kind: KindContest, TeamID: "t", Topic: "x", Start: day.Add(time.Hour), Asked: 1, Scores: map[string]int{"li": 1}},
		{SessionID: "s5", Kind: KindLesson, TeamID: "u", Topic: "x", Start: day, Asked: 1, Scores: map[string]int{"li": 1}},
		{SessionID: "s6", Kind: KindLesson, TeamID: "t", Topic: "x", Start: day.AddDate(0, 0, -20), Asked: 1, Scores: map[string]int{"li": 1}},
	}
	for _, h := range hist {
		if err := repo.AddHistory(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := repo.Stats(ctx, "t", day.AddDate(0, 0, -7), day.Add(12*time.Hour), bank)
	if err != nil {
		t.Fatal(err)
	}
	if ps.Lessons != 2 || len(ps.Members) != 2 {
		t.Fatalf("stats: %+v", ps)
	}
	w, li := ps.Members["wang"], ps.Members["li"]
	if w.Attended != 1 || w.Answered != 2 || w.Correct != 0 || !reflect.DeepEqual(w.Wrong, map[string]int{l1.Topic: 1, l2.Topic: 1}) {
		t.Errorf("wang: %+v", w)
	}
	if li.Attended != 2 || li.Answered != 5 || li.Correct != 4 || !reflect.DeepEqual(li.WeakTopics(3), []string{l2.Topic}) {
		t.Errorf("li: %+v", li)
	}
}
