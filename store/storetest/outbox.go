package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
)

func claim(t *testing.T, ob store.Outbox, now time.Time, limit int, lease time.Duration) []store.OutboxItem {
	t.Helper()
	items, err := ob.Claim(ctx(t), now, limit, lease)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return items
}

func ids(items []store.OutboxItem) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func wantIDs(t *testing.T, what string, items []store.OutboxItem, want ...int64) {
	t.Helper()
	got := ids(items)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s claimed %v, want %v", what, got, want)
	}
}

func wantStats(t *testing.T, ob store.Outbox, depth int, oldest time.Time) {
	t.Helper()
	d, o, err := ob.Stats(ctx(t))
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if d != depth || !o.Equal(oldest) {
		t.Fatalf("Stats = %d, %v; want %d, %v", d, o, depth, oldest)
	}
}

func testOutbox(t *testing.T, e *env) {
	ob, c := e.s.Outbox(), ctx(t)
	wantStats(t, ob, 0, time.Time{})
	if got := claim(t, ob, time.Now(), 10, time.Minute); len(got) != 0 {
		t.Fatalf("Claim on an empty outbox = %v", ids(got))
	}

	now := time.Now()
	base := now.Add(-time.Hour)
	enqueue := func(payload string, created, due time.Time) int64 {
		id, err := ob.Enqueue(c, store.OutboxItem{Dest: "dest:" + payload, Payload: []byte(payload), Created: created, DueAt: due})
		if err != nil {
			t.Fatalf("Enqueue(%s): %v", payload, err)
		}
		if id <= 0 {
			t.Fatalf("Enqueue(%s) returned id %d", payload, id)
		}
		return id
	}
	idA := enqueue("a", base.Add(2*time.Second), now.Add(-time.Second))
	idB := enqueue("b", base.Add(time.Second), now.Add(-2*time.Second))
	idC := enqueue("c", base.Add(3*time.Second), now.Add(time.Hour))
	if idA == idB || idB == idC || idA == idC {
		t.Fatalf("Enqueue returned duplicate ids %d, %d, %d", idA, idB, idC)
	}
	wantStats(t, ob, 3, base.Add(time.Second))

	const lease = 30 * time.Second
	got := claim(t, ob, now, 10, lease)
	wantIDs(t, "first Claim", got, idB, idA)
	b := got[0]
	if string(b.Payload) != "b" || b.Dest != "dest:b" || b.Attempts != 0 || b.LastError != "" ||
		!b.Created.Equal(base.Add(time.Second)) || !b.DueAt.Equal(now.Add(-2*time.Second)) {
		t.Fatalf("claimed item = %+v", b)
	}
	wantIDs(t, "Claim during the lease", claim(t, ob, now, 10, lease))
	wantIDs(t, "Claim just before the lease ends", claim(t, ob, now.Add(lease-time.Second), 10, lease))
	wantStats(t, ob, 3, base.Add(time.Second))

	after := now.Add(lease + time.Second)
	// Both leases end at the same time, so either may come first.
	first := claim(t, ob, after, 1, time.Hour)
	second := claim(t, ob, after, 10, time.Hour)
	if len(first) != 1 || len(second) != 1 || first[0].ID+second[0].ID != idA+idB || first[0].ID == second[0].ID {
		t.Fatalf("Claims after the lease returned %v then %v, want A and B once each", ids(first), ids(second))
	}
	wantIDs(t, "Claim with limit 0", claim(t, ob, now.Add(2*time.Hour), 0, lease))

	retryAt := now.Add(2 * lease)
	if err := ob.Retry(c, idB, retryAt, "boom"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	wantIDs(t, "Claim before the retry is due", claim(t, ob, retryAt.Add(-time.Second), 10, lease))
	got = claim(t, ob, retryAt, 10, lease)
	wantIDs(t, "Claim when the retry is due", got, idB)
	if got[0].Attempts != 1 || got[0].LastError != "boom" || !got[0].DueAt.Equal(retryAt) || string(got[0].Payload) != "b" {
		t.Fatalf("retried item = %+v", got[0])
	}
	if err := ob.Retry(c, idB, retryAt.Add(lease), "boom again"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	got = claim(t, ob, retryAt.Add(lease), 10, lease)
	wantIDs(t, "Claim of the twice retried item", got, idB)
	if got[0].Attempts != 2 || got[0].LastError != "boom again" {
		t.Fatalf("twice retried item = %+v", got[0])
	}
	if err := ob.Retry(c, 1<<40, now, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Retry of a missing item: err = %v, want ErrNotFound", err)
	}
	postponeAt := retryAt.Add(3 * lease)
	if err := ob.Postpone(c, idB, postponeAt); err != nil {
		t.Fatalf("Postpone: %v", err)
	}
	wantIDs(t, "Claim before the postponed item is due", claim(t, ob, postponeAt.Add(-time.Second), 10, lease))
	got = claim(t, ob, postponeAt, 10, lease)
	wantIDs(t, "Claim of the postponed item", got, idB)
	if got[0].Attempts != 2 || got[0].LastError != "boom again" || !got[0].DueAt.Equal(postponeAt) {
		t.Fatalf("postponed item = %+v: a postponement must not count an attempt", got[0])
	}
	if err := ob.Postpone(c, 1<<40, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Postpone of a missing item: err = %v, want ErrNotFound", err)
	}

	for range 2 { // acknowledging twice is fine
		if err := ob.Ack(c, idA); err != nil {
			t.Fatalf("Ack(A): %v", err)
		}
	}
	wantStats(t, ob, 2, base.Add(time.Second))
	if err := ob.Ack(c, idB); err != nil {
		t.Fatalf("Ack(B): %v", err)
	}
	wantStats(t, ob, 1, base.Add(3*time.Second))
	wantIDs(t, "Claim long after everything is due", claim(t, ob, now.Add(3*time.Hour), 10, lease), idC)
	if err := ob.Ack(c, idC); err != nil {
		t.Fatalf("Ack(C): %v", err)
	}
	wantStats(t, ob, 0, time.Time{})
	wantIDs(t, "Claim after acknowledging all", claim(t, ob, now.Add(4*time.Hour), 10, lease))

	// Zero DueAt means due now; zero Created means now.
	before := time.Now()
	idD, err := ob.Enqueue(c, store.OutboxItem{Payload: []byte("d")})
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	if idD <= idC {
		t.Fatalf("Enqueue id %d after %d: ids must grow", idD, idC)
	}
	got = claim(t, ob, time.Now(), 10, lease)
	wantIDs(t, "Claim of an item enqueued without DueAt", got, idD)
	if got[0].Created.Before(before.Add(-time.Second)) || got[0].Created.After(time.Now().Add(time.Second)) {
		t.Fatalf("default Created = %v, want about %v", got[0].Created, before)
	}
}

func testOutboxConcurrentClaim(t *testing.T, e *env) {
	ob, c := e.s.Outbox(), ctx(t)
	const n = 200
	due := time.Now().Add(-time.Minute)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				if _, err := ob.Enqueue(c, store.OutboxItem{Payload: fmt.Appendf(nil, "%d", i), DueAt: due.Add(time.Duration(i) * time.Millisecond)}); err != nil {
					t.Errorf("Enqueue: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var (
		mu      sync.Mutex
		claimed = map[int64]int{}
	)
	for range 4 {
		wg.Go(func() {
			for {
				items, err := ob.Claim(c, time.Now(), 7, time.Minute)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if len(items) == 0 {
					return
				}
				mu.Lock()
				for _, it := range items {
					claimed[it.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for id, times := range claimed {
		if times != 1 {
			t.Errorf("item %d claimed %d times within its lease", id, times)
		}
	}
	if len(claimed) != n {
		t.Fatalf("%d distinct items claimed, want %d", len(claimed), n)
	}
	wantIDs(t, "Claim after all were claimed", claim(t, ob, time.Now(), 10, time.Minute))
	for id := range claimed {
		wg.Go(func() {
			if err := ob.Ack(c, id); err != nil {
				t.Errorf("Ack(%d): %v", id, err)
			}
		})
	}
	wg.Wait()
	wantStats(t, ob, 0, time.Time{})
}

// testOutboxShortLease: a claim lease is honoured in real time whatever its
// length, so a crashed sender's messages come back after the lease the
// caller chose (the bot's takeover time), not a fixed store minimum.
func testOutboxShortLease(t *testing.T, e *env) {
	ob, c := e.s.Outbox(), ctx(t)
	const lease = 300 * time.Millisecond
	id, err := ob.Enqueue(c, store.OutboxItem{Payload: []byte("x")})
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	claimedAt := time.Now()
	wantIDs(t, "first Claim", claim(t, ob, claimedAt, 10, lease), id)
	var again []store.OutboxItem
	eventually(t, 10*time.Second, "Claim after the lease", func() bool {
		again = claim(t, ob, time.Now(), 10, lease)
		return len(again) > 0
	})
	if waited := time.Since(claimedAt); waited < lease {
		t.Fatalf("claimed again after %v, within the %v lease", waited, lease)
	}
	wantIDs(t, "Claim after the lease", again, id)
}
