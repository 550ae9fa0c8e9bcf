package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
)

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
