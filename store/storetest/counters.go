package storetest

import (
	"sync"
	"testing"
)

func testNextID(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	for want := int64(1); want <= 3; want++ {
		got, err := s.NextID(c, "orders")
		if err != nil {
			t.Fatalf("NextID: %v", err)
		}
		if got != want {
			t.Fatalf("NextID = %d, want %d", got, want)
		}
	}
	if got, err := s.NextID(c, "other"); err != nil || got != 1 {
		t.Fatalf("NextID of a new sequence = %d, %v; want 1, nil", got, err)
	}

	const workers, each = 20, 10
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		ids = map[int64]bool{}
	)
	for range workers {
		wg.Go(func() {
			last := int64(0)
			for range each {
				id, err := s.NextID(c, "concurrent")
				if err != nil {
					t.Errorf("NextID: %v", err)
					return
				}
				if id <= last {
					t.Errorf("NextID went from %d to %d in one goroutine", last, id)
				}
				last = id
				mu.Lock()
				if ids[id] {
					t.Errorf("NextID returned %d twice", id)
				}
				ids[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for id := int64(1); id <= workers*each; id++ {
		if !ids[id] {
			t.Fatalf("NextID never returned %d of 1..%d", id, workers*each)
		}
	}
}

func testIncr(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	steps := []struct{ delta, want int64 }{{5, 5}, {-2, 3}, {0, 3}, {10, 13}}
	for _, st := range steps {
		got, err := s.Incr(c, "counters", "hits", st.delta)
		if err != nil {
			t.Fatalf("Incr(%d): %v", st.delta, err)
		}
		if got != st.want {
			t.Fatalf("Incr(%d) = %d, want %d", st.delta, got, st.want)
		}
	}
	if got, err := s.Incr(c, "counters", "misses", 1); err != nil || got != 1 {
		t.Fatalf("Incr of another key = %d, %v; want 1, nil", got, err)
	}
	mustGet(t, s, "counters", "hits", "13")

	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := s.Incr(c, "counters", "parallel", 1); err != nil {
				t.Errorf("Incr: %v", err)
			}
		})
	}
	wg.Wait()
	if got, err := s.Incr(c, "counters", "parallel", 0); err != nil || got != 100 {
		t.Fatalf("after 100 concurrent Incr(1): %d, %v; want 100", got, err)
	}
}
