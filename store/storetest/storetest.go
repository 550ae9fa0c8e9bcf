// Package storetest is the conformance suite every store.Store implementation
// runs, plus shared benchmarks.
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, dir string) store.Store { ... })
//	}
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// Opener opens the store identified by dir. Called with a new dir it must
// return an empty store, isolated from every other dir; called again with the
// same dir (after the previous store was closed) it must return a store with
// the same data, as a restart would. The suite closes the stores it opens.
type Opener func(t *testing.T, dir string) store.Store

// env is what one subtest works with.
type env struct {
	s    store.Store
	dir  string
	open Opener
}

// reopen closes the current store and opens the same one again.
func (e *env) reopen(t *testing.T) {
	t.Helper()
	if err := e.s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := e.s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	e.s = e.open(t, e.dir)
	s := e.s
	t.Cleanup(func() { _ = s.Close() })
}

// Run runs the conformance suite against the stores open returns. Every
// subtest gets its own dir, hence its own isolated store, and runs in
// parallel with the others.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"Documents", testDocuments},
		{"ScanRange", testScanRange},
		{"ScanStop", testScanStop},
		{"PutBatchScan", testPutBatchScan},
		{"PutIfAbsentSameKey", testPutIfAbsentSameKey},
		{"PutIfAbsentDistinctKeys", testPutIfAbsentDistinctKeys},
		{"NextID", testNextID},
		{"Incr", testIncr},
		{"Update", testUpdate},
		{"UpdateConcurrent", testUpdateConcurrent},
		{"Write", testWrite},
		{"Coll", testColl},
		{"WithLease", testWithLease},
		{"WithLeaseLost", testWithLeaseLost},
		{"Ledger", testLedger},
		{"LedgerConcurrentIdempotency", testLedgerConcurrentIdem},
		{"FirstSeen", testFirstSeen},
		{"Lease", testLease},
		{"LeaseExpiry", testLeaseExpiry},
		{"Outbox", testOutbox},
		{"OutboxConcurrentClaim", testOutboxConcurrentClaim},
		{"OutboxKey", testOutboxKey},
		{"OutboxShortLease", testOutboxShortLease},
		{"Inbox", testInbox},
		{"InboxTakeover", testInboxTakeover},
		{"InboxWait", testInboxWait},
		{"InboxConcurrent", testInboxConcurrent},
		{"InboxTakeoverRace", testInboxTakeoverRace},
		{"InboxPersistence", testInboxPersistence},
		{"Persistence", testPersistence},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := &env{dir: t.TempDir(), open: open}
			e.s = open(t, e.dir)
			s := e.s
			t.Cleanup(func() { _ = s.Close() })
			if err := e.s.Ping(ctx(t)); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			tc.fn(t, e)
		})
	}
}

// ctx returns a context that ends with the test (or after a minute).
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// eventually polls cond every 10 ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true after %v", what, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// scanAll collects a Scan into a slice.
func scanAll(t *testing.T, s store.Store, coll, from, to string) []store.KV {
	t.Helper()
	var out []store.KV
	err := s.Scan(ctx(t), coll, from, to, func(k string, v []byte) error {
		out = append(out, store.KV{Key: k, Value: append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		t.Fatalf("Scan(%q, %q, %q): %v", coll, from, to, err)
	}
	return out
}

func keysOf(kvs []store.KV) []string {
	out := make([]string, len(kvs))
	for i, kv := range kvs {
		out[i] = kv.Key
	}
	return out
}
