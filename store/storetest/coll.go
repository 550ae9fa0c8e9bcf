package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
)

type doc struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Tags  []string `json:"tags,omitempty"`
}

func testColl(t *testing.T, e *env) {
	c := ctx(t)
	docs := store.NewColl[doc](e.s, "typed")
	if _, err := docs.Get(c, "t/1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a missing document: %v, want ErrNotFound", err)
	}
	if d, err := docs.Find(c, "t/1"); d != nil || err != nil {
		t.Fatalf("Find of a missing document = %v, %v; want nil, nil", d, err)
	}
	for _, k := range []string{"t/1", "t/2", "t0", "t", "u/1", "t/3"} {
		if err := docs.Put(c, k, &doc{Name: k}); err != nil {
			t.Fatalf("Put %s: %v", k, err)
		}
	}
	if ok, err := docs.PutIfAbsent(c, "t/1", &doc{Name: "again"}); ok || err != nil {
		t.Fatalf("PutIfAbsent of a taken key = %v, %v", ok, err)
	}
	got, err := docs.List(c, "t/")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var names []string
	for _, d := range got {
		names = append(names, d.Name)
	}
	if !slices.Equal(names, []string{"t/1", "t/2", "t/3"}) {
		t.Fatalf("List(t/) = %q, want t/1 t/2 t/3", names)
	}
	var keys []string
	if err := docs.Range(c, "t/2", "", func(k string, d *doc) error { keys = append(keys, k+"="+d.Name); return nil }); err != nil {
		t.Fatalf("Range: %v", err)
	}
	if !slices.Equal(keys, []string{"t/2=t/2", "t/3=t/3", "t0=t0", "u/1=u/1"}) {
		t.Fatalf("Range(t/2, end) = %q", keys)
	}
	// Update changes what is there and returns it; missing keys are refused.
	d, err := docs.Update(c, "t/1", func(d *doc) error { d.Count += 5; d.Tags = append(d.Tags, "x"); return nil })
	if err != nil || d.Count != 5 || d.Name != "t/1" {
		t.Fatalf("Update = %+v, %v", d, err)
	}
	if d, err := docs.Get(c, "t/1"); err != nil || d.Count != 5 || !slices.Equal(d.Tags, []string{"x"}) {
		t.Fatalf("Get after Update = %+v, %v", d, err)
	}
	if _, err := docs.Update(c, "t/9", func(*doc) error { t.Error("fn called for a missing key"); return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Update of a missing key: %v, want ErrNotFound", err)
	}
	if d, err := docs.Upsert(c, "t/9", func(d *doc) error { d.Name = "new"; return nil }); err != nil || d.Name != "new" {
		t.Fatalf("Upsert of a missing key = %+v, %v", d, err)
	}
	if _, err := docs.Update(c, "t/9", func(*doc) error { return store.ErrDelete }); err != nil {
		t.Fatalf("Update returning ErrDelete: %v", err)
	}
	if _, err := docs.Get(c, "t/9"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after ErrDelete: %v, want ErrNotFound", err)
	}
	if err := docs.Delete(c, "t/2"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	// A document that is not T's JSON is an error naming its key.
	if err := e.s.Put(c, "typed", "t/4", []byte("not json")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if _, err := docs.List(c, "t/"); err == nil {
		t.Fatal("List over a malformed document did not fail")
	}
	// Concurrent Updates of one document lose nothing.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := docs.Update(c, "t/3", func(d *doc) error { d.Count++; return nil }); err != nil {
				t.Errorf("Update: %v", err)
			}
		})
	}
	wg.Wait()
	if d, err := docs.Get(c, "t/3"); err != nil || d.Count != 20 {
		t.Fatalf("after 20 concurrent Updates: %+v, %v; want count 20", d, err)
	}
}

func testWithLease(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	const ttl = 600 * time.Millisecond
	ran := false
	err := store.WithLease(c, s, "job", "A", ttl, func(ctx context.Context) error {
		ran = true
		if acquire(t, s, "job", "B", time.Minute) {
			t.Error("B took the lease while A's fn runs")
		}
		// Outlive the ttl: the renewals (every ttl/3) keep the lease.
		time.Sleep(5 * ttl / 2)
		if err := ctx.Err(); err != nil {
			t.Errorf("fn's context ended while the lease was held: %v", err)
		}
		if acquire(t, s, "job", "B", time.Minute) {
			t.Error("B took the lease after a ttl: it was not renewed")
		}
		return errors.New("fn failed")
	})
	if !ran || err == nil || err.Error() != "fn failed" {
		t.Fatalf("WithLease = %v (ran %v), want fn's error", err, ran)
	}
	// Released after fn: B takes it at once.
	if !acquire(t, s, "job", "B", time.Minute) {
		t.Fatal("the lease was not released after fn")
	}
	err = store.WithLease(c, s, "job", "A", ttl, func(context.Context) error {
		t.Error("fn ran while B holds the lease")
		return nil
	})
	if !errors.Is(err, store.ErrLeaseHeld) {
		t.Fatalf("WithLease on a held lease = %v, want ErrLeaseHeld", err)
	}
}

// testWithLeaseLost: when another owner takes the lease (here after a
// release behind fn's back), fn's context ends with ErrLeaseLost.
func testWithLeaseLost(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	const ttl = 150 * time.Millisecond
	var stolen atomic.Bool
	err := store.WithLease(c, s, "job", "A", ttl, func(ctx context.Context) error {
		release(t, s, "job", "A")
		if !acquire(t, s, "job", "B", time.Minute) {
			t.Error("B could not take the released lease")
		}
		stolen.Store(true)
		select {
		case <-ctx.Done():
			if cause := context.Cause(ctx); !errors.Is(cause, store.ErrLeaseLost) {
				t.Errorf("cause = %v, want ErrLeaseLost", cause)
			}
			return ctx.Err()
		case <-time.After(10 * time.Second):
			t.Error("fn's context did not end after the lease was lost")
			return nil
		}
	})
	if !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("WithLease = %v, want ErrLeaseLost", err)
	}
	// B still holds it: A's release after fn did not touch B's lease.
	if !stolen.Load() || acquire(t, s, "job", "A", time.Minute) {
		t.Fatal("A took the lease back from B")
	}
}
