package points

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

func openStore(t testing.TB) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var cst = time.FixedZone("CST", 8*3600)

// randomEntry places an entry within three months (some by Date only, some
// without a time at all).
func randomEntry(r *rand.Rand, i int) Entry {
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, cst).Add(time.Duration(r.IntN(90*24*60)) * time.Minute)
	e := Entry{Member: fmt.Sprintf("m%d", r.IntN(7)), Team: []string{"presale", "aftersale"}[r.IntN(2)],
		Points: r.IntN(21) - 5, Source: []string{"award", "quiz", "knowledge"}[r.IntN(3)],
		Reason: []string{"", "knowledge_approved"}[r.IntN(2)], Ref: fmt.Sprint(i), At: at}
	switch r.IntN(10) {
	case 2, 3:
		e.At = at.UTC() // written in another zone: still placed on its day in cst
	case 0:
		e.At, e.Date = time.Time{}, at.Format(time.DateOnly)
	case 1:
		e.At = time.Time{}
	}
	return e
}

// sums collects Sums into totals per row without the Count.
func sums(t *testing.T, sum func(fn func(*Row)) error) map[Row]int64 {
	t.Helper()
	out := map[Row]int64{}
	err := sum(func(r *Row) {
		k := *r
		k.Points, k.Count = 0, 0
		out[k] += r.Points*1000 + int64(r.Count)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSumsMatchTheLedger: the running totals give what summing the whole
// ledger gives, for ranges within and across months, while entries keep
// arriving and several readers fold at once, and after a month's totals
// were lost.
func TestSumsMatchTheLedger(t *testing.T) {
	st, ctx := openStore(t), context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	n := 0
	add := func(k int) {
		for range k {
			n++
			if err := Append(ctx, st, fmt.Sprint("e", n), randomEntry(r, n)); err != nil {
				t.Fatal(err)
			}
		}
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, cst) }
	ranges := [][2]time.Time{
		{day(10, 1), day(11, 1)}, {day(9, 5), day(9, 12)}, {day(9, 20), day(11, 10)}, {day(8, 1), day(12, 31)}, {day(10, 31), day(11, 1)},
	}
	check := func(when string) {
		t.Helper()
		for _, rg := range ranges {
			want := sums(t, func(fn func(*Row)) error { return scanSums(ctx, st, rg[0], rg[1], fn) })
			got := sums(t, func(fn func(*Row)) error { return Sums(ctx, st, rg[0], rg[1], fn) })
			if !maps.Equal(got, want) {
				t.Fatalf("%s, %s–%s: totals give %d rows, the ledger %d, and they differ", when, rg[0], rg[1], len(got), len(want))
			}
			if len(want) == 0 {
				t.Fatalf("%s: no rows in %s–%s: the test checks nothing", when, rg[0], rg[1])
			}
		}
	}
	add(300)
	check("first read")
	add(100)
	check("after more entries")
	// Readers and writers at once.
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			rg := ranges[i%len(ranges)]
			for range 5 {
				if err := Sums(ctx, st, rg[0], rg[1], func(*Row) {}); err != nil {
					t.Errorf("Sums: %v", err)
				}
			}
		})
	}
	add(100)
	wg.Wait()
	check("after concurrent reads and writes")
	// A lost month's totals are rebuilt from the ledger.
	if err := st.Delete(ctx, TotalsColl, cst.String()+"/2026-10"); err != nil {
		t.Fatal(err)
	}
	check("after the October totals were deleted")
	// The totals were kept: a read after no new entries reads none.
	doc, err := store.NewColl[monthTotals](st, TotalsColl).Get(ctx, cst.String()+"/2026-10")
	if err != nil || doc.Seq != int64(n) {
		t.Fatalf("October totals = seq %v, %v; want %d", doc, err, n)
	}
}

// TestSumsNotAtMidnight: a range that does not start or end at midnight is
// summed from the ledger, entry by entry.
func TestSumsNotAtMidnight(t *testing.T) {
	st, ctx := openStore(t), context.Background()
	for i, h := range []int{8, 10, 12} {
		e := Entry{Member: "u", Team: "t", Points: 1, Source: "quiz", At: time.Date(2026, 10, 5, h, 0, 0, 0, cst)}
		if err := Append(ctx, st, fmt.Sprint(i), e); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	err := Sums(ctx, st, time.Date(2026, 10, 5, 9, 0, 0, 0, cst), time.Date(2026, 10, 5, 11, 0, 0, 0, cst), func(r *Row) { total += r.Points })
	if err != nil || total != 1 {
		t.Fatalf("Sums from 9:00 to 11:00 = %d, %v; want 1 (the 10:00 entry)", total, err)
	}
}
