package storetest

import (
	"testing"
	"time"
)

func testFirstSeen(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	const ttl = 150 * time.Millisecond
	firstSeen := func(key string) bool {
		t.Helper()
		ok, err := s.FirstSeen(c, key, ttl)
		if err != nil {
			t.Fatalf("FirstSeen(%s): %v", key, err)
		}
		return ok
	}
	if !firstSeen("msg-1") {
		t.Fatal("FirstSeen of a new key = false, want true")
	}
	if firstSeen("msg-1") {
		t.Fatal("FirstSeen of a key just seen = true, want false")
	}
	if !firstSeen("msg-2") {
		t.Fatal("FirstSeen of another new key = false, want true")
	}
	start := time.Now()
	// Seen again within the window does not extend it.
	eventually(t, 3*time.Second, "FirstSeen after the ttl", func() bool { return firstSeen("msg-1") })
	if waited := time.Since(start); waited < ttl/3 {
		t.Fatalf("FirstSeen was true again after only %v (ttl %v)", waited, ttl)
	}
	if firstSeen("msg-1") {
		t.Fatal("FirstSeen right after re-recording = true, want false")
	}
	// A long ttl is not cut short by the sweep of expired markers.
	ok, err := s.FirstSeen(c, "long", time.Hour)
	if err != nil || !ok {
		t.Fatalf("FirstSeen(long) = %v, %v", ok, err)
	}
	time.Sleep(2 * ttl)
	for i := range 20 {
		firstSeen(string(rune('a' + i)))
	}
	if ok, err := s.FirstSeen(c, "long", time.Hour); err != nil || ok {
		t.Fatalf("FirstSeen(long) within its hour = %v, %v; want false", ok, err)
	}
	if _, err := s.FirstSeen(c, "bad", 0); err == nil {
		t.Fatal("FirstSeen with ttl 0 did not fail")
	}
}
