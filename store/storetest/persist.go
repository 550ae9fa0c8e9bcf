package storetest

import (
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
)

func testPersistence(t *testing.T, e *env) {
	c := ctx(t)
	s := e.s
	if err := s.Put(c, "docs", "k", []byte("v")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := s.PutBatch(c, "batch", []store.KV{{Key: "a", Value: []byte("1")}, {Key: "b", Value: []byte("2")}}); err != nil {
		t.Fatalf("PutBatch: %v", err)
	}
	if id, err := s.NextID(c, "seq"); err != nil || id != 1 {
		t.Fatalf("NextID = %d, %v", id, err)
	}
	if _, err := s.Incr(c, "counters", "n", 7); err != nil {
		t.Fatalf("Incr: %v", err)
	}
	mustAppend(t, s, "ledger", "idem", "e1", 1, true)
	if ok, err := s.FirstSeen(c, "msg", time.Hour); err != nil || !ok {
		t.Fatalf("FirstSeen = %v, %v", ok, err)
	}
	if !acquire(t, s, "lease", "A", time.Hour) {
		t.Fatal("Acquire failed")
	}
	created := time.Now().Add(-time.Minute)
	id, err := s.Outbox().Enqueue(c, store.OutboxItem{Payload: []byte("p"), Created: created})
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}

	e.reopen(t)
	s = e.s
	mustGet(t, s, "docs", "k", "v")
	mustGet(t, s, "counters", "n", "7")
	if got := keysOf(scanAll(t, s, "batch", "", "")); len(got) != 2 {
		t.Fatalf("Scan after reopen = %q", got)
	}
	if id, err := s.NextID(c, "seq"); err != nil || id != 2 {
		t.Fatalf("NextID after reopen = %d, %v; want 2", id, err)
	}
	mustAppend(t, s, "ledger", "idem", "e1", 1, false)
	mustAppend(t, s, "ledger", "", "e2", 2, true)
	if got := readLedger(t, s, "ledger", 0); len(got) != 2 || got[0].data != "e1" {
		t.Fatalf("Ledger after reopen = %v", got)
	}
	if ok, err := s.FirstSeen(c, "msg", time.Hour); err != nil || ok {
		t.Fatalf("FirstSeen after reopen = %v, %v; want false", ok, err)
	}
	if acquire(t, s, "lease", "B", time.Hour) {
		t.Fatal("B took A's lease after reopen")
	}
	wantStats(t, s.Outbox(), 1, created)
	wantIDs(t, "Claim after reopen", claim(t, s.Outbox(), time.Now(), 10, time.Minute), id)
	next, err := s.Outbox().Enqueue(c, store.OutboxItem{Payload: []byte("q")})
	if err != nil || next <= id {
		t.Fatalf("Enqueue after reopen = %d, %v; want an id above %d", next, err, id)
	}
}
