package embedded_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/banzu-bot/banzu/store/storetest"
)

func BenchmarkPutBatch(b *testing.B) {
	s := open(b, b.TempDir())
	defer s.Close()
	storetest.BenchPutBatch(b, s)
}

func BenchmarkPutIfAbsentParallel(b *testing.B) {
	s := open(b, b.TempDir())
	defer s.Close()
	storetest.BenchPutIfAbsentParallel(b, s)
}

// BenchmarkImport100k imports 100,000 KPI rows into a fresh store in batches,
// the shape of a spreadsheet import, and reports rows/s.
func BenchmarkImport100k(b *testing.B) {
	const total = 100_000
	rows := storetest.KPIRows(0, total)
	ctx := context.Background()
	for _, batch := range []int{1000, 2000, 5000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := open(b, b.TempDir())
				b.StartTimer()
				for start := 0; start < total; start += batch {
					if err := s.PutBatch(ctx, "kpi", rows[start:min(start+batch, total)]); err != nil {
						b.Fatalf("PutBatch: %v", err)
					}
				}
				b.StopTimer()
				if err := s.Close(); err != nil {
					b.Fatalf("Close: %v", err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.N*total)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkInboxAdd(b *testing.B) {
	s := open(b, b.TempDir())
	defer s.Close()
	storetest.BenchInboxAdd(b, s)
}

func BenchmarkInboxPipeline(b *testing.B) {
	s := open(b, b.TempDir())
	defer s.Close()
	storetest.BenchInboxPipeline(b, s)
}
