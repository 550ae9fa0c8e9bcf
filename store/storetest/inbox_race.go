package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testInboxConcurrent races consumers over items added concurrently: no item
// is held by two consumers at once and each is handled exactly once.
func testInboxConcurrent(t *testing.T, e *env) {
	in, c := e.s.Inbox(), ctx(t)
	const n, producers, consumers = 600, 6, 8
	var (
		mu      sync.Mutex
		holding = map[string]string{} // item id -> consumer
		handled = map[string]int{}    // payload -> times
		done    atomic.Int64
		wg      sync.WaitGroup
	)
	for p := range producers {
		wg.Go(func() {
			for i := p; i < n; i += producers {
				if ok, err := in.Add(c, fmt.Sprintf("k%d", i), fmt.Appendf(nil, "%d", i), time.Hour); err != nil || !ok {
					t.Errorf("Add(%d) = %v, %v", i, ok, err)
					return
				}
			}
		})
	}
	for w := range consumers {
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for done.Load() < n && !t.Failed() {
				items, err := in.Take(c, name, 1+w%5, time.Minute, 50*time.Millisecond)
				if err != nil {
					t.Errorf("Take: %v", err)
					return
				}
				mu.Lock()
				for _, it := range items {
					if other, ok := holding[it.ID]; ok {
						t.Errorf("item %s held by %s and %s at once", it.ID, other, name)
					}
					holding[it.ID] = name
					handled[string(it.Payload)]++
					if it.Attempts != 0 {
						t.Errorf("item %s delivered with attempts %d", it.Payload, it.Attempts)
					}
				}
				mu.Unlock()
				for _, it := range items {
					mu.Lock()
					delete(holding, it.ID)
					mu.Unlock()
					if err := in.Done(c, it.ID); err != nil {
						t.Errorf("Done: %v", err)
						return
					}
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if len(handled) != n {
		t.Fatalf("%d distinct items handled, want %d", len(handled), n)
	}
	for p, times := range handled {
		if times != 1 {
			t.Errorf("item %s handled %d times", p, times)
		}
	}
	wantInboxStats(t, in, 0, 0, 0)
}

// testInboxTakeoverRace has many consumers race to take over the items a
// crashed consumer left: each is taken over exactly once.
func testInboxTakeoverRace(t *testing.T, e *env) {
	in, c := e.s.Inbox(), ctx(t)
	const n = 60
	for i := range n {
		inboxAdd(t, in, "", fmt.Sprint(i), 0)
	}
	if got := inboxTake(t, in, "crashed", n, testIdle, 0); len(got) != n {
		t.Fatalf("took %d items, want %d", len(got), n)
	}
	var (
		mu      sync.Mutex
		handled = map[string]int{}
		total   atomic.Int64
		wg      sync.WaitGroup
	)
	for w := range 8 {
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for total.Load() < n && !t.Failed() {
				items, err := in.Take(c, name, 3, testIdle, 20*time.Millisecond)
				if err != nil {
					t.Errorf("Take: %v", err)
					return
				}
				for _, it := range items {
					if it.Attempts != 1 {
						t.Errorf("item %s taken over with attempts %d, want 1", it.Payload, it.Attempts)
					}
					mu.Lock()
					handled[string(it.Payload)]++
					mu.Unlock()
					if err := in.Done(c, it.ID); err != nil {
						t.Errorf("Done: %v", err)
						return
					}
					total.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if len(handled) != n {
		t.Fatalf("%d distinct items taken over, want %d", len(handled), n)
	}
	for p, times := range handled {
		if times != 1 {
			t.Errorf("item %s taken over %d times", p, times)
		}
	}
	wantInboxStats(t, in, 0, 0, 0)
}
