package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/banzu-bot/banzu/store"
)

// BatchSize is how many documents BenchPutBatch writes per PutBatch call.
const BatchSize = 1000

// KPIRows returns n documents shaped like imported KPI rows: keys
// "teamNN/agentNNNN/2026-10-DD" and JSON values of about 200 bytes.
func KPIRows(offset, n int) []store.KV {
	rows := make([]store.KV, n)
	pad := strings.Repeat("x", 40)
	for i := range rows {
		j := offset + i
		rows[i] = store.KV{
			Key: fmt.Sprintf("team%02d/agent%06d/2026-10-%02d", j%20, j/28, j%28+1),
			Value: fmt.Appendf(nil, `{"team":"team%02d","agent":"agent%06d","day":"2026-10-%02d","calls":%d,"handled":%d,"aht_s":%d.5,"csat":4.%d,"note":"%s"}`,
				j%20, j/28, j%28+1, j%500, j%400, j%900, j%10, pad),
		}
	}
	return rows
}

// BenchPutBatch measures PutBatch with batches of BatchSize documents of
// about 200 bytes and reports docs/s.
func BenchPutBatch(b *testing.B, s store.Store) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		rows := KPIRows(i*BatchSize, BatchSize)
		b.StartTimer()
		if err := s.PutBatch(ctx, "bench", rows); err != nil {
			b.Fatalf("PutBatch: %v", err)
		}
	}
	b.ReportMetric(float64(b.N*BatchSize)/b.Elapsed().Seconds(), "docs/s")
}

// BenchPutIfAbsentParallel measures PutIfAbsent of fresh keys from parallel
// goroutines and reports ops/s.
func BenchPutIfAbsentParallel(b *testing.B, s store.Store) {
	ctx := context.Background()
	value := make([]byte, 200)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := fmt.Sprintf("key%012d", n.Add(1))
			ok, err := s.PutIfAbsent(ctx, "bench-once", key, value)
			if err != nil || !ok {
				b.Errorf("PutIfAbsent(%s) = %v, %v", key, ok, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
