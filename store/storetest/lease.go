package storetest

import (
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
)

func acquire(t *testing.T, s store.Store, name, owner string, ttl time.Duration) bool {
	t.Helper()
	ok, err := s.Acquire(ctx(t), name, owner, ttl)
	if err != nil {
		t.Fatalf("Acquire(%s, %s): %v", name, owner, err)
	}
	return ok
}

func release(t *testing.T, s store.Store, name, owner string) {
	t.Helper()
	if err := s.Release(ctx(t), name, owner); err != nil {
		t.Fatalf("Release(%s, %s): %v", name, owner, err)
	}
}

func testLease(t *testing.T, e *env) {
	s := e.s
	if !acquire(t, s, "conn", "A", time.Minute) {
		t.Fatal("A could not take a free lease")
	}
	if acquire(t, s, "conn", "B", time.Minute) {
		t.Fatal("B took a lease A holds")
	}
	if !acquire(t, s, "conn", "A", time.Minute) {
		t.Fatal("A could not renew its own lease")
	}
	if !acquire(t, s, "other", "B", time.Minute) {
		t.Fatal("B could not take an unrelated lease")
	}
	release(t, s, "conn", "B") // not the holder: no effect
	if acquire(t, s, "conn", "B", time.Minute) {
		t.Fatal("B took the lease after releasing one it did not hold")
	}
	release(t, s, "conn", "A")
	if !acquire(t, s, "conn", "B", time.Minute) {
		t.Fatal("B could not take the lease A released")
	}
	if acquire(t, s, "conn", "A", time.Minute) {
		t.Fatal("A took the lease B now holds")
	}
	release(t, s, "never-held", "A")
}

func testLeaseExpiry(t *testing.T, e *env) {
	s := e.s
	const ttl = 150 * time.Millisecond
	if !acquire(t, s, "short", "A", ttl) {
		t.Fatal("A could not take a free lease")
	}
	if acquire(t, s, "short", "B", time.Minute) {
		t.Fatal("B took the lease before it expired")
	}
	start := time.Now()
	eventually(t, 3*time.Second, "B takes the expired lease", func() bool {
		return acquire(t, s, "short", "B", time.Minute)
	})
	if waited := time.Since(start); waited < ttl/3 {
		t.Fatalf("B took the lease after only %v (ttl %v)", waited, ttl)
	}
	if acquire(t, s, "short", "A", time.Minute) {
		t.Fatal("A took the lease back while B holds it")
	}
	if _, err := s.Acquire(ctx(t), "bad", "A", 0); err == nil {
		t.Fatal("Acquire with ttl 0 did not fail")
	}
}
