package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// testIdle is the idle time after which the inbox tests expect a taken item
// to be taken over; long enough that a loaded machine does not stall a
// consumer that long between two calls, short enough to keep the suite fast.
const testIdle = 300 * time.Millisecond

func inboxAdd(t *testing.T, in store.Inbox, key, payload string, ttl time.Duration) bool {
	t.Helper()
	ok, err := in.Add(ctx(t), key, []byte(payload), ttl)
	if err != nil {
		t.Fatalf("Add(%q, %q): %v", key, payload, err)
	}
	return ok
}

func inboxTake(t *testing.T, in store.Inbox, consumer string, limit int, idle, wait time.Duration) []store.InboxItem {
	t.Helper()
	items, err := in.Take(ctx(t), consumer, limit, idle, wait)
	if err != nil {
		t.Fatalf("Take(%s): %v", consumer, err)
	}
	return items
}

func payloads(items []store.InboxItem) string {
	out := ""
	for i, it := range items {
		if i > 0 {
			out += " "
		}
		out += fmt.Sprintf("%s/%d", it.Payload, it.Attempts)
	}
	return out
}

// wantTaken checks the payloads and attempts of items ("payload/attempts"
// separated by spaces).
func wantTaken(t *testing.T, what string, items []store.InboxItem, want string) {
	t.Helper()
	if got := payloads(items); got != want {
		t.Fatalf("%s took %q, want %q", what, got, want)
	}
}

func inboxStats(t *testing.T, in store.Inbox) store.InboxStats {
	t.Helper()
	st, err := in.Stats(ctx(t))
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

func wantInboxStats(t *testing.T, in store.Inbox, waiting, taken int, dead int64) store.InboxStats {
	t.Helper()
	st := inboxStats(t, in)
	if st.Waiting != waiting || st.Taken != taken || st.Dead != dead {
		t.Fatalf("Stats = %+v, want waiting %d, taken %d, dead %d", st, waiting, taken, dead)
	}
	if (waiting+taken == 0) != st.Oldest.IsZero() {
		t.Fatalf("Stats.Oldest = %v with %d items", st.Oldest, waiting+taken)
	}
	return st
}

func deadLetters(t *testing.T, in store.Inbox) []store.DeadLetter {
	t.Helper()
	var out []store.DeadLetter
	if err := in.DeadLetters(ctx(t), func(d store.DeadLetter) error { out = append(out, d); return nil }); err != nil {
		t.Fatalf("DeadLetters: %v", err)
	}
	return out
}

func testInbox(t *testing.T, e *env) {
	in, c := e.s.Inbox(), ctx(t)
	wantInboxStats(t, in, 0, 0, 0)
	wantTaken(t, "Take on an empty inbox", inboxTake(t, in, "A", 10, time.Minute, 0), "")

	before := time.Now()
	if !inboxAdd(t, in, "wecom:1", "p1", time.Hour) {
		t.Fatal("Add of a new key = false")
	}
	if inboxAdd(t, in, "wecom:1", "again", time.Hour) {
		t.Fatal("Add of a duplicate key = true")
	}
	for _, p := range []string{"e1", "e2"} {
		if !inboxAdd(t, in, "", p, 0) {
			t.Fatalf("Add(%s) without a key = false: an empty key is never a duplicate", p)
		}
	}
	if !inboxAdd(t, in, "wecom:2", "p2", time.Hour) {
		t.Fatal("Add of another key = false")
	}
	after := time.Now()
	st := wantInboxStats(t, in, 4, 0, 0)
	if st.Oldest.Before(before) || st.Oldest.After(after) {
		t.Fatalf("Stats.Oldest = %v, want between %v and %v", st.Oldest, before, after)
	}
	if _, err := in.Add(c, "wecom:3", []byte("x"), 0); err == nil {
		t.Fatal("Add with a key and no dedup ttl did not fail")
	}

	a := inboxTake(t, in, "A", 2, time.Minute, 0)
	wantTaken(t, "first Take", a, "p1/0 e1/0")
	if a[0].Key != "wecom:1" || a[1].Key != "" || a[0].ID == "" || a[0].ID == a[1].ID {
		t.Fatalf("taken items = %+v", a)
	}
	if a[0].Added.Before(before) || a[0].Added.After(after) || a[1].Added.Before(a[0].Added) {
		t.Fatalf("Added = %v, %v; want in order between %v and %v", a[0].Added, a[1].Added, before, after)
	}
	b := inboxTake(t, in, "B", 10, time.Minute, 0)
	wantTaken(t, "second Take", b, "e2/0 p2/0")
	wantTaken(t, "Take while everything is held", inboxTake(t, in, "C", 10, time.Minute, 0), "")
	wantTaken(t, "Take with limit 0", inboxTake(t, in, "C", 0, time.Minute, 0), "")
	wantInboxStats(t, in, 0, 4, 0)

	for range 2 { // removing twice is fine
		if err := in.Done(c, a[0].ID); err != nil {
			t.Fatalf("Done: %v", err)
		}
	}
	wantInboxStats(t, in, 0, 3, 0)
	if err := in.Retry(c, a[0].ID, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Retry of a removed item: err = %v, want ErrNotFound", err)
	}
	if err := in.Bury(c, a[0].ID, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Bury of a removed item: err = %v, want ErrNotFound", err)
	}

	if err := in.Retry(c, a[1].ID, "handler failed"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	wantInboxStats(t, in, 1, 2, 0)
	r := inboxTake(t, in, "C", 10, time.Minute, 0)
	wantTaken(t, "Take after Retry", r, "e1/1")
	if r[0].Key != "" || !r[0].Added.Equal(a[1].Added) {
		t.Fatalf("retried item = %+v, want Added %v", r[0], a[1].Added)
	}
	if err := in.Retry(c, r[0].ID, "failed again"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	r = inboxTake(t, in, "C", 10, time.Minute, 0)
	wantTaken(t, "Take after a second Retry", r, "e1/2")

	if err := in.Bury(c, b[0].ID, "panic: boom"); err != nil {
		t.Fatalf("Bury: %v", err)
	}
	if err := in.Bury(c, r[0].ID, "failed 3 times"); err != nil {
		t.Fatalf("Bury: %v", err)
	}
	wantInboxStats(t, in, 0, 1, 2)
	dead := deadLetters(t, in)
	if len(dead) != 2 || string(dead[0].Item.Payload) != "e2" || dead[0].Reason != "panic: boom" ||
		string(dead[1].Item.Payload) != "e1" || dead[1].Item.Attempts != 2 || dead[1].Reason != "failed 3 times" ||
		dead[0].At.IsZero() || dead[1].At.Before(dead[0].At) {
		t.Fatalf("DeadLetters = %+v", dead)
	}
	if err := in.Done(c, b[1].ID); err != nil {
		t.Fatalf("Done: %v", err)
	}
	wantInboxStats(t, in, 0, 0, 2)

	// A key can be added again once its mark expired, not before.
	const ttl = 150 * time.Millisecond
	if !inboxAdd(t, in, "short", "s1", ttl) {
		t.Fatal("Add(short) = false")
	}
	start := time.Now()
	eventually(t, 5*time.Second, "Add after the dedup ttl", func() bool { return inboxAdd(t, in, "short", "s2", ttl) })
	if waited := time.Since(start); waited < ttl/3 {
		t.Fatalf("the key was added again after only %v (ttl %v)", waited, ttl)
	}
	wantTaken(t, "Take of the re-added key", inboxTake(t, in, "A", 10, time.Minute, 0), "s1/0 s2/0")
}

func testInboxTakeover(t *testing.T, e *env) {
	in, c := e.s.Inbox(), ctx(t)
	for _, p := range []string{"a", "b"} {
		inboxAdd(t, in, "", p, 0)
	}
	held := inboxTake(t, in, "A", 10, testIdle, 0)
	wantTaken(t, "A's Take", held, "a/0 b/0")
	a, b := held[0], held[1]

	// A crashes while handling a, but keeps touching b: only a is taken
	// over, once it has been idle for testIdle.
	var taken []store.InboxItem
	start := time.Now()
	eventually(t, 10*time.Second, "B takes over A's idle item", func() bool {
		if err := in.Touch(c, "A", b.ID); err != nil {
			t.Fatalf("Touch: %v", err)
		}
		taken = inboxTake(t, in, "B", 10, testIdle, 0)
		return len(taken) > 0
	})
	if waited := time.Since(start); waited < testIdle/2 {
		t.Fatalf("a was taken over after %v, before it was idle for %v", waited, testIdle)
	}
	wantTaken(t, "B's takeover", taken, "a/1")
	if taken[0].ID != a.ID {
		t.Fatalf("taken over %+v, want %+v", taken[0], a)
	}
	wantInboxStats(t, in, 0, 2, 0)

	// A, back, touches a: it is B's now, so A's touch changes nothing and C
	// takes it over from B once B left it idle.
	eventually(t, 10*time.Second, "C takes over B's idle item", func() bool {
		if err := in.Touch(c, "A", a.ID, b.ID); err != nil {
			t.Fatalf("Touch: %v", err)
		}
		taken = inboxTake(t, in, "C", 10, testIdle, 0)
		return len(taken) > 0
	})
	wantTaken(t, "C's takeover", taken, "a/2")
	if err := in.Done(c, taken[0].ID); err != nil {
		t.Fatalf("Done: %v", err)
	}
	if err := in.Done(c, b.ID); err != nil {
		t.Fatalf("Done: %v", err)
	}
	wantInboxStats(t, in, 0, 0, 0)
	wantTaken(t, "Take after everything is done", inboxTake(t, in, "C", 10, time.Millisecond, 0), "")
}

func testInboxWait(t *testing.T, e *env) {
	in := e.s.Inbox()
	start := time.Now()
	wantTaken(t, "Take waiting on an empty inbox", inboxTake(t, in, "A", 10, time.Minute, 100*time.Millisecond), "")
	if waited := time.Since(start); waited < 90*time.Millisecond {
		t.Fatalf("Take returned after %v, want it to wait about 100ms", waited)
	}

	const wait = 20 * time.Second
	got := make(chan []store.InboxItem, 1)
	start = time.Now()
	go func() {
		items, err := in.Take(ctx(t), "A", 10, time.Minute, wait)
		if err != nil {
			t.Errorf("Take: %v", err)
		}
		got <- items
	}()
	time.Sleep(50 * time.Millisecond) // let Take start waiting
	inboxAdd(t, in, "k", "woke", time.Hour)
	items := <-got
	wantTaken(t, "waiting Take", items, "woke/0")
	if waited := time.Since(start); waited > wait/2 {
		t.Fatalf("a waiting Take returned %v after an Add, not early", waited)
	}
}

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

func testInboxPersistence(t *testing.T, e *env) {
	in := e.s.Inbox()
	inboxAdd(t, in, "k1", "taken", time.Hour)
	inboxAdd(t, in, "k2", "waiting", time.Hour)
	inboxAdd(t, in, "k3", "dead", time.Hour)
	wantTaken(t, "Take before the crash", inboxTake(t, in, "A", 1, testIdle, 0), "taken/0")
	dead := inboxTake(t, in, "A", 2, testIdle, 0)
	wantTaken(t, "Take before the crash", dead, "waiting/0 dead/0")
	if err := in.Retry(ctx(t), dead[0].ID, "later"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	if err := in.Bury(ctx(t), dead[1].ID, "broken"); err != nil {
		t.Fatalf("Bury: %v", err)
	}

	e.reopen(t)
	in = e.s.Inbox()
	wantInboxStats(t, in, 1, 1, 1)
	if inboxAdd(t, in, "k1", "again", time.Hour) {
		t.Fatal("a dedup mark was lost by the restart")
	}
	if d := deadLetters(t, in); len(d) != 1 || string(d[0].Item.Payload) != "dead" || d[0].Reason != "broken" {
		t.Fatalf("DeadLetters after the restart = %+v", d)
	}
	// The crash between taking and acknowledging redelivers the item.
	var got []store.InboxItem
	eventually(t, 10*time.Second, "the item taken before the crash is redelivered", func() bool {
		items := inboxTake(t, in, "B", 10, testIdle, 0)
		for _, it := range items {
			if err := in.Done(ctx(t), it.ID); err != nil {
				t.Fatalf("Done: %v", err)
			}
		}
		got = append(got, items...)
		return len(got) >= 2
	})
	// Usually waiting/1 comes first, taken/1 once idle; a slow restart
	// may return both at once, the one taken over first.
	if p := payloads(got); p != "waiting/1 taken/1" && p != "taken/1 waiting/1" {
		t.Fatalf("Take after the restart returned %q, want waiting/1 and taken/1", p)
	}
	wantInboxStats(t, in, 0, 0, 1)
}

func testOutboxKey(t *testing.T, e *env) {
	ob, c := e.s.Outbox(), ctx(t)
	enqueue := func(key, payload string) int64 {
		t.Helper()
		id, err := ob.Enqueue(c, store.OutboxItem{Dest: "d", Key: key, Payload: []byte(payload)})
		if err != nil {
			t.Fatalf("Enqueue(%s): %v", key, err)
		}
		return id
	}
	first := enqueue("reply:wecom:1", "hello")
	if again := enqueue("reply:wecom:1", "hello"); again != first {
		t.Fatalf("Enqueue of a queued key returned %d, want %d", again, first)
	}
	other := enqueue("reply:wecom:2", "other")
	plain1, plain2 := enqueue("", "p"), enqueue("", "p")
	if other == first || plain1 == plain2 || plain1 == first {
		t.Fatalf("ids %d %d %d %d: only a repeated key may share an id", first, other, plain1, plain2)
	}
	wantStats(t, ob, 4, mustOldest(t, ob))
	items := claim(t, ob, time.Now(), 10, time.Minute)
	if len(items) != 4 || items[0].Key != "reply:wecom:1" || items[2].Key != "" {
		t.Fatalf("claimed %+v", items)
	}
	if err := ob.Ack(c, first); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	// Delivered: the same key adds nothing for a day.
	if again := enqueue("reply:wecom:1", "hello"); again != first {
		t.Fatalf("Enqueue of a delivered key returned %d, want %d", again, first)
	}
	if d, _, _ := ob.Stats(c); d != 3 {
		t.Fatalf("depth %d after enqueueing a delivered key, want 3", d)
	}

	// Racing enqueues of one key add one item.
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got = map[int64]bool{}
	)
	for range 16 {
		wg.Go(func() {
			id, err := ob.Enqueue(c, store.OutboxItem{Dest: "d", Key: "reply:race", Payload: []byte("r")})
			if err != nil {
				t.Errorf("Enqueue: %v", err)
				return
			}
			mu.Lock()
			got[id] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(got) != 1 {
		t.Fatalf("16 enqueues of one key returned ids %v, want one", got)
	}
	if d, _, _ := ob.Stats(c); d != 4 {
		t.Fatalf("depth %d after racing enqueues of one key, want 4", d)
	}
}

func mustOldest(t *testing.T, ob store.Outbox) time.Time {
	t.Helper()
	_, oldest, err := ob.Stats(ctx(t))
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return oldest
}
