package storetest

import (
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/banzu-bot/banzu/store"
)

func testUpdate(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	// A missing key: fn sees nil and its result is written.
	err := s.Update(c, "docs", "k", func(old []byte) ([]byte, error) {
		if old != nil {
			t.Errorf("old of a missing key = %q, want nil", old)
		}
		return []byte("one"), nil
	})
	if err != nil {
		t.Fatalf("Update of a missing key: %v", err)
	}
	mustGet(t, s, "docs", "k", "one")
	// An existing key: fn sees its value.
	if err := s.Update(c, "docs", "k", func(old []byte) ([]byte, error) { return append(old, "+two"...), nil }); err != nil {
		t.Fatalf("Update: %v", err)
	}
	mustGet(t, s, "docs", "k", "one+two")
	// fn's error is returned as is and nothing is written.
	boom := errors.New("boom")
	if err := s.Update(c, "docs", "k", func([]byte) ([]byte, error) { return []byte("no"), boom }); err != boom {
		t.Fatalf("Update with a failing fn = %v, want the fn's error itself", err)
	}
	mustGet(t, s, "docs", "k", "one+two")
	// An empty value is not a missing one.
	if err := s.Put(c, "docs", "empty", []byte{}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	err = s.Update(c, "docs", "empty", func(old []byte) ([]byte, error) {
		if old == nil || len(old) != 0 {
			t.Errorf("old of an empty value = %#v, want a non-nil empty slice", old)
		}
		return old, nil
	})
	if err != nil {
		t.Fatalf("Update of an empty value: %v", err)
	}
	// nil deletes; deleting a missing key is nothing.
	if err := s.Update(c, "docs", "k", func([]byte) ([]byte, error) { return nil, nil }); err != nil {
		t.Fatalf("Update to nil: %v", err)
	}
	if _, err := s.Get(c, "docs", "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after Update to nil: %v, want ErrNotFound", err)
	}
	if err := s.Update(c, "docs", "gone", func([]byte) ([]byte, error) { return nil, nil }); err != nil {
		t.Fatalf("Update of a missing key to nil: %v", err)
	}
	if got := keysOf(scanAll(t, s, "docs", "", "")); !slices.Equal(got, []string{"empty"}) {
		t.Fatalf("Scan after the updates = %q, want [empty]", got)
	}
}

// testUpdateConcurrent: many goroutines increment one JSON-less counter
// through Update, and two keys of one collection at once; none is lost.
func testUpdateConcurrent(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	const workers, each = 16, 10
	var wg sync.WaitGroup
	for w := range workers {
		key := []string{"a", "b"}[w%2]
		wg.Go(func() {
			for range each {
				err := s.Update(c, "hot", key, func(old []byte) ([]byte, error) {
					n := 0
					if old != nil {
						var err error
						if n, err = strconv.Atoi(string(old)); err != nil {
							return nil, err
						}
					}
					return []byte(strconv.Itoa(n + 1)), nil
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	half := strconv.Itoa(workers / 2 * each)
	mustGet(t, s, "hot", "a", half)
	mustGet(t, s, "hot", "b", half)
}

func testWrite(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	if err := s.Put(c, "entries", "old", []byte("x")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	err := s.Write(c, []store.Op{
		store.PutOp("entries", "t/1", []byte("first")),
		store.IncrOp("versions", "t", 1),
		store.DeleteOp("entries", "old"),
		store.DeleteOp("nowhere", "x"),
		store.PutOp("entries", "t/1", []byte("last wins")),
		store.IncrOp("versions", "t", 2),
	})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	mustGet(t, s, "entries", "t/1", "last wins")
	mustGet(t, s, "versions", "t", "3")
	if _, err := s.Get(c, "entries", "old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a deleted key: %v, want ErrNotFound", err)
	}
	if err := s.Write(c, nil); err != nil {
		t.Fatalf("Write of nothing: %v", err)
	}
	// A counter that is not an integer fails the whole write.
	err = s.Write(c, []store.Op{store.PutOp("entries", "t/2", []byte("no")), store.IncrOp("entries", "t/1", 1)})
	if err == nil {
		t.Fatal("Write incrementing a non-integer did not fail")
	}
	if _, err := s.Get(c, "entries", "t/2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed Write left t/2 behind: %v", err)
	}
	if err := s.Write(c, []store.Op{store.PutOp("entries", "", []byte("x"))}); err == nil {
		t.Fatal("Write with an empty key did not fail")
	}
	// Writes that race keep the counter exact.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			k := "c/" + strconv.Itoa(i)
			if err := s.Write(c, []store.Op{store.PutOp("entries", k, []byte(k)), store.IncrOp("versions", "c", 1)}); err != nil {
				t.Errorf("Write: %v", err)
			}
		})
	}
	wg.Wait()
	mustGet(t, s, "versions", "c", "20")
	if n := len(scanAll(t, s, "entries", "c/", store.PrefixEnd("c/"))); n != 20 {
		t.Fatalf("%d entries c/…, want 20", n)
	}
}
