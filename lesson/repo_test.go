package lesson

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store/embedded"
)

func newTestRepo(t *testing.T) *Repo {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return NewRepo(st)
}

// TestWrongBookConcurrentMisses: misses recorded at once (two replicas, two
// sessions) are all counted: the book's read-modify-write is one update.
func TestWrongBookConcurrentMisses(t *testing.T) {
	r := newTestRepo(t)
	ctx := context.Background()
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	q, l := &Question{ID: "q1"}, &Lesson{ID: "L1", Topic: "退换货"}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := r.Miss(ctx, "xiaowang", q, l, "B", now); err != nil {
				t.Errorf("Miss: %v", err)
			}
		})
	}
	wg.Wait()
	book, err := r.Wrong(ctx, "xiaowang")
	if err != nil || len(book) != 1 {
		t.Fatalf("Wrong = %+v, %v; want one item", book, err)
	}
	if w := book[0]; w.Misses != 20 || w.QID != "q1" || w.LessonID != "L1" || w.Box != 1 {
		t.Fatalf("item = %+v, want 20 misses of q1 in box 1", w)
	}
	// Hits move it up the boxes until it leaves the book.
	for i := 2; ; i++ {
		in, mastered, err := r.Hit(ctx, "xiaowang", "q1", now)
		if err != nil || !in {
			t.Fatalf("Hit %d = %v, %v, %v", i, in, mastered, err)
		}
		if mastered {
			break
		}
		if i > 20 {
			t.Fatal("the item never left the book")
		}
	}
	if book, _ := r.Wrong(ctx, "xiaowang"); len(book) != 0 {
		t.Fatalf("book after mastering = %+v, want empty", book)
	}
	if in, _, err := r.Hit(ctx, "xiaowang", "q1", now); in || err != nil {
		t.Fatalf("Hit of a question not in the book = %v, %v", in, err)
	}
	// Another member's book ("xiaowang2" sorts right after) stays apart.
	if err := r.Miss(ctx, "xiaowang2", q, l, "C", now); err != nil {
		t.Fatal(err)
	}
	if book, _ := r.Wrong(ctx, "xiaowang"); len(book) != 0 {
		t.Fatalf("xiaowang's book shows another member's item: %+v", book)
	}
}
