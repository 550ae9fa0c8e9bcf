package storetest

import (
	"errors"
	"fmt"
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
