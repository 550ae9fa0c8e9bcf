package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/banzu-bot/banzu/store"
)

func testDocuments(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	if _, err := s.Get(c, "docs", "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get in missing collection: err = %v, want ErrNotFound", err)
	}
	if err := s.Put(c, "docs", "k1", []byte("v1")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if _, err := s.Get(c, "docs", "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing key: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(c, "other", "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get k1 from another collection: err = %v, want ErrNotFound", err)
	}
	mustGet(t, s, "docs", "k1", "v1")
	if err := s.Put(c, "docs", "k1", []byte("v2")); err != nil {
		t.Fatalf("Put replace: %v", err)
	}
	mustGet(t, s, "docs", "k1", "v2")
	if err := s.Put(c, "docs", "empty", []byte{}); err != nil {
		t.Fatalf("Put empty value: %v", err)
	}
	mustGet(t, s, "docs", "empty", "")
	if err := s.Delete(c, "docs", "k1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(c, "docs", "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(c, "docs", "k1"); err != nil {
		t.Fatalf("Delete missing key: %v", err)
	}
	if err := s.Delete(c, "nowhere", "k1"); err != nil {
		t.Fatalf("Delete in missing collection: %v", err)
	}
	if got := keysOf(scanAll(t, s, "docs", "", "")); !slices.Equal(got, []string{"empty"}) {
		t.Fatalf("Scan after Delete = %q, want [empty]", got)
	}
}

func mustGet(t *testing.T, s store.Store, coll, key, want string) {
	t.Helper()
	got, err := s.Get(ctx(t), coll, key)
	if err != nil {
		t.Fatalf("Get(%s, %s): %v", coll, key, err)
	}
	if string(got) != want {
		t.Fatalf("Get(%s, %s) = %q, want %q", coll, key, got, want)
	}
}

func testScanRange(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	keys := []string{
		"t1/a/2026-10-01", "t1/a/2026-10-02", "t1/a/2026-10-10", "t1/ab/2026-10-01",
		"t1/b/2026-10-01", "t2/a/2026-09-30", "t1", "t10/a/2026-10-01",
	}
	for _, k := range keys {
		if err := s.Put(c, "kpi", k, []byte("v:"+k)); err != nil {
			t.Fatalf("Put %s: %v", k, err)
		}
	}
	sorted := slices.Sorted(slices.Values(keys))
	cases := []struct {
		from, to string
		want     []string
	}{
		{"", "", sorted},
		{"t1/a/", "t1/a0", []string{"t1/a/2026-10-01", "t1/a/2026-10-02", "t1/a/2026-10-10"}},
		{"t1/a/2026-10-01", "t1/a/2026-10-02", []string{"t1/a/2026-10-01"}},
		{"t1/a/2026-10-02", "t1/a/2026-10-10", []string{"t1/a/2026-10-02"}},
		{"t1/a/2026-10-011", "t1/a/2026-10-10", []string{"t1/a/2026-10-02"}},
		{"t1/", "t1/b", []string{"t1/a/2026-10-01", "t1/a/2026-10-02", "t1/a/2026-10-10", "t1/ab/2026-10-01"}},
		{"t2", "", []string{"t2/a/2026-09-30"}},
		{"", "t1/", []string{"t1"}},
		{"t1", "t1", nil},
		{"u", "", nil},
		{"t1/b/2026-10-01", "t1/b/2026-10-01\x00", []string{"t1/b/2026-10-01"}},
	}
	for _, tc := range cases {
		got := scanAll(t, s, "kpi", tc.from, tc.to)
		if !slices.Equal(keysOf(got), tc.want) {
			t.Errorf("Scan [%q, %q) = %q, want %q", tc.from, tc.to, keysOf(got), tc.want)
		}
		for _, kv := range got {
			if string(kv.Value) != "v:"+kv.Key {
				t.Errorf("Scan value of %s = %q", kv.Key, kv.Value)
			}
		}
	}
	if got := scanAll(t, s, "nothing-here", "", ""); len(got) != 0 {
		t.Errorf("Scan of missing collection = %q, want nothing", keysOf(got))
	}
}

func testScanStop(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	for i := range 10 {
		if err := s.Put(c, "stop", fmt.Sprintf("k%02d", i), []byte("v")); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	stop := errors.New("stop here")
	var seen []string
	err := s.Scan(c, "stop", "", "", func(k string, _ []byte) error {
		seen = append(seen, k)
		if len(seen) == 3 {
			return fmt.Errorf("wrapped: %w", stop)
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Scan returned %v, want the callback's error", err)
	}
	if !slices.Equal(seen, []string{"k00", "k01", "k02"}) {
		t.Fatalf("Scan visited %q after stopping, want [k00 k01 k02]", seen)
	}
}

func testPutBatchScan(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	const n = 2500 // crosses the implementations' chunk sizes
	items := make([]store.KV, n)
	for i := range items {
		items[i] = store.KV{Key: fmt.Sprintf("team%d/agent%04d", i%3, i), Value: fmt.Appendf(nil, "row %d", i)}
	}
	shuffled := slices.Clone(items)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if err := s.PutBatch(c, "batch", shuffled); err != nil {
		t.Fatalf("PutBatch: %v", err)
	}
	if err := s.PutBatch(c, "batch", nil); err != nil {
		t.Fatalf("PutBatch(nil): %v", err)
	}
	want := slices.SortedFunc(slices.Values(items), func(a, b store.KV) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	got := scanAll(t, s, "batch", "", "")
	if len(got) != n {
		t.Fatalf("Scan after PutBatch returned %d documents, want %d", len(got), n)
	}
	for i := range got {
		if got[i].Key != want[i].Key || string(got[i].Value) != string(want[i].Value) {
			t.Fatalf("Scan[%d] = %s=%q, want %s=%q", i, got[i].Key, got[i].Value, want[i].Key, want[i].Value)
		}
	}
	if team1 := scanAll(t, s, "batch", "team1/", "team2/"); len(team1) != n/3 {
		t.Fatalf("Scan of team1 returned %d documents, want %d", len(team1), n/3)
	}
	// The callback may write to the store while scanning.
	count := 0
	err := s.Scan(c, "batch", "", "", func(k string, v []byte) error {
		count++
		if count%100 != 0 {
			return nil
		}
		return s.Put(c, "copy", k, v)
	})
	if err != nil {
		t.Fatalf("Scan with writing callback: %v", err)
	}
	if count != n {
		t.Fatalf("Scan with writing callback visited %d, want %d", count, n)
	}
	mustGet(t, s, "copy", want[n-1].Key, string(want[n-1].Value)) // the 2500th
}

func testPutIfAbsentSameKey(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	const n = 300
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		wins  []int
		errs  []error
		start = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			ok, err := s.PutIfAbsent(c, "once", "key", fmt.Appendf(nil, "%d", i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins = append(wins, i)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("PutIfAbsent errors (%d), first: %v", len(errs), errs[0])
	}
	if len(wins) != 1 {
		t.Fatalf("PutIfAbsent won %d times, want exactly 1", len(wins))
	}
	mustGet(t, s, "once", "key", fmt.Sprint(wins[0]))
	if got := scanAll(t, s, "once", "", ""); len(got) != 1 {
		t.Fatalf("Scan after PutIfAbsent returned %d documents, want 1", len(got))
	}
}

func testPutIfAbsentDistinctKeys(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	const n = 300
	var (
		wg                sync.WaitGroup
		wins, fails, errs sync.Map
	)
	for i := range n {
		wg.Go(func() {
			key := fmt.Sprintf("k%03d", i)
			ok, err := s.PutIfAbsent(c, "many", key, []byte(key))
			switch {
			case err != nil:
				errs.Store(key, err)
			case ok:
				wins.Store(key, true)
			default:
				fails.Store(key, true)
			}
		})
	}
	wg.Wait()
	errs.Range(func(k, v any) bool { t.Errorf("PutIfAbsent %s: %v", k, v); return true })
	fails.Range(func(k, _ any) bool { t.Errorf("PutIfAbsent %s lost on a fresh key", k); return true })
	if t.Failed() {
		return
	}
	got := scanAll(t, s, "many", "", "")
	if len(got) != n {
		t.Fatalf("Scan returned %d documents, want %d", len(got), n)
	}
	for _, kv := range got {
		if kv.Key != string(kv.Value) {
			t.Fatalf("document %s = %q", kv.Key, kv.Value)
		}
	}
	ok, err := s.PutIfAbsent(c, "many", "k007", []byte("again"))
	if err != nil || ok {
		t.Fatalf("PutIfAbsent on existing key = %v, %v; want false, nil", ok, err)
	}
	mustGet(t, s, "many", "k007", "k007")
}
