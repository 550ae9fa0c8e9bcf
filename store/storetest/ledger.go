package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/banzu-bot/banzu/store"
)

type entry struct {
	seq  int64
	data string
}

func readLedger(t *testing.T, s store.Store, ledger string, after int64) []entry {
	t.Helper()
	var out []entry
	err := s.Ledger(ctx(t), ledger, after, func(seq int64, e []byte) error {
		out = append(out, entry{seq, string(e)})
		return nil
	})
	if err != nil {
		t.Fatalf("Ledger(%s, %d): %v", ledger, after, err)
	}
	return out
}

func mustAppend(t *testing.T, s store.Store, ledger, idem, data string, wantSeq int64, wantCreated bool) {
	t.Helper()
	seq, created, err := s.Append(ctx(t), ledger, idem, []byte(data))
	if err != nil {
		t.Fatalf("Append(%s, %q): %v", ledger, idem, err)
	}
	if seq != wantSeq || created != wantCreated {
		t.Fatalf("Append(%s, %q) = %d, %v; want %d, %v", ledger, idem, seq, created, wantSeq, wantCreated)
	}
}

func testLedger(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	if got := readLedger(t, s, "empty", 0); len(got) != 0 {
		t.Fatalf("Ledger of a new ledger = %v, want nothing", got)
	}
	mustAppend(t, s, "points", "msg-1", "a", 1, true)
	mustAppend(t, s, "points", "", "b", 2, true)
	mustAppend(t, s, "points", "", "b", 3, true) // no idempotency key: always appended
	mustAppend(t, s, "points", "msg-1", "a again", 1, false)
	mustAppend(t, s, "points", "msg-2", "c", 4, true)
	mustAppend(t, s, "points", "msg-2", "c", 4, false)
	mustAppend(t, s, "other", "msg-1", "x", 1, true)

	all := []entry{{1, "a"}, {2, "b"}, {3, "b"}, {4, "c"}}
	if got := readLedger(t, s, "points", 0); !slices.Equal(got, all) {
		t.Fatalf("Ledger(0) = %v, want %v", got, all)
	}
	if got := readLedger(t, s, "points", 2); !slices.Equal(got, all[2:]) {
		t.Fatalf("Ledger(2) = %v, want %v", got, all[2:])
	}
	if got := readLedger(t, s, "points", 4); len(got) != 0 {
		t.Fatalf("Ledger(4) = %v, want nothing", got)
	}
	if got := readLedger(t, s, "other", 0); !slices.Equal(got, []entry{{1, "x"}}) {
		t.Fatalf("Ledger(other) = %v", got)
	}

	stop := errors.New("stop")
	calls := 0
	err := s.Ledger(c, "points", 0, func(int64, []byte) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("Ledger with stopping callback: err %v after %d calls; want the callback's error after 1", err, calls)
	}

	// More entries than one read chunk, appended concurrently.
	const n = 600
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				if _, _, err := s.Append(c, "long", fmt.Sprint(i), fmt.Appendf(nil, "%d", i)); err != nil {
					t.Errorf("Append: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	got := readLedger(t, s, "long", 0)
	if len(got) != n {
		t.Fatalf("Ledger(long) returned %d entries, want %d", len(got), n)
	}
	for i, en := range got {
		if en.seq != int64(i+1) {
			t.Fatalf("Ledger(long)[%d].seq = %d, want %d", i, en.seq, i+1)
		}
	}
	if tail := readLedger(t, s, "long", n-5); len(tail) != 5 || tail[0].seq != n-4 {
		t.Fatalf("Ledger(long, %d) = %v", n-5, tail)
	}
}

func testLedgerConcurrentIdem(t *testing.T, e *env) {
	s, c := e.s, ctx(t)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		seqs    = map[int64]bool{}
	)
	for i := range 50 {
		wg.Go(func() {
			seq, ok, err := s.Append(c, "idem", "same-key", fmt.Appendf(nil, "%d", i))
			if err != nil {
				t.Errorf("Append: %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			seqs[seq] = true
			if ok {
				created++
			}
		})
	}
	wg.Wait()
	if created != 1 || len(seqs) != 1 {
		t.Fatalf("50 concurrent Appends with one key: %d created, sequences %v; want 1 created and one sequence", created, seqs)
	}
	if got := readLedger(t, s, "idem", 0); len(got) != 1 {
		t.Fatalf("Ledger holds %d entries, want 1", len(got))
	}
}
