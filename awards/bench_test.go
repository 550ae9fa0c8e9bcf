package awards

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/points"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

// benchLedger returns a store holding 100,000 points entries over a year
// (on tmpfs when there is one: the entries are appended one by one).
func benchLedger(b *testing.B) (store.Store, error) {
	base := os.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "banzu-bench-")
	if err != nil {
		return nil, err
	}
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	st, err := embedded.Open(filepath.Join(dir, "points.db"))
	if err != nil {
		return nil, err
	}
	b.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, benchLoc)
	members := []string{"xiaowang", "xiaoli", "aqiang", "xiaowen", "daliu", "xiaomei", "lili", "ajie"}
	sources := []string{SourceAward, SourceQuiz, SourceContest, SourceKnowledge}
	for i := range 100_000 {
		e := points.Entry{Member: members[i%len(members)], Team: "presale", Points: 1 + i%7, Source: sources[i%len(sources)],
			Reason: "bench", Ref: fmt.Sprint(i), At: start.Add(time.Duration(i) * 315 * time.Second)} // about a year
		if i%3 == 0 {
			e.Team = "aftersale"
		}
		if err := points.Append(ctx, st, "", e); err != nil {
			return nil, err
		}
	}
	return st, nil
}

var benchLoc = time.FixedZone("CST", 8*3600)

// BenchmarkLeaderboard100k ranks a month's points board over a ledger of
// 100,000 entries: "scan" reads the whole ledger (as every board did
// before the running totals), "totals" reads the month's totals, "totals+100"
// after 100 new entries (folded in by the read), "rebuild" after the month's
// totals were lost (folded from the whole ledger again).
func BenchmarkLeaderboard100k(b *testing.B) {
	st, err := benchLedger(b)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s := &Service{St: st}
	month := time.Date(2026, 10, 1, 0, 0, 0, 0, benchLoc)
	r := period.Range{From: month, To: month.AddDate(0, 1, -1)}
	board := func(b *testing.B) {
		got, err := s.Leaderboard(ctx, BoardPoints, "presale", r, nil)
		if err != nil || len(got.Places) != 8 {
			b.Fatalf("Leaderboard = %+v, %v", got, err)
		}
	}
	b.Run("scan", func(b *testing.B) {
		for range b.N {
			vals := map[string]float64{}
			end := r.To.AddDate(0, 0, 1)
			err := points.Scan(ctx, st, func(p *points.Entry) error {
				if at, ok := p.When(benchLoc); ok && p.Team == "presale" && !at.Before(r.From) && at.Before(end) {
					vals[p.Member] += float64(p.Points)
				}
				return nil
			})
			if err != nil || len(Rank(vals)) != 8 {
				b.Fatalf("scan: %v, %d members", err, len(vals))
			}
		}
	})
	b.Run("totals", func(b *testing.B) {
		board(b) // the first read folds the ledger in
		b.ResetTimer()
		for range b.N {
			board(b)
		}
	})
	b.Run("totals+100", func(b *testing.B) {
		for i := range b.N {
			b.StopTimer()
			for j := range 100 {
				e := points.Entry{Member: "xiaowang", Team: "presale", Points: 1, Source: SourceQuiz, Ref: fmt.Sprint("new", i, j), At: month.Add(time.Hour)}
				if err := points.Append(ctx, st, "", e); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			board(b)
		}
	})
	b.Run("rebuild", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			if err := st.Delete(ctx, points.TotalsColl, benchLoc.String()+"/2026-10"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			board(b)
		}
	})
}
