package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// InboxClients is how many goroutines add events at once in the inbox
// benchmarks, like platform callbacks arriving together.
const InboxClients = 200

// InboxConsumers is how many workers take events in BenchInboxPipeline.
const InboxConsumers = 8

// inboxPayload is about the size of a serialised chat event.
var inboxPayload = []byte(strings.Repeat("x", 400))

// addAll adds b.N events with distinct keys from InboxClients goroutines and
// returns each Add's duration.
func addAll(b *testing.B, in store.Inbox) []time.Duration {
	ctx := context.Background()
	var (
		next atomic.Int64
		mu   sync.Mutex
		lat  = make([]time.Duration, 0, b.N)
		wg   sync.WaitGroup
	)
	for range InboxClients {
		wg.Go(func() {
			var mine []time.Duration
			defer func() { mu.Lock(); lat = append(lat, mine...); mu.Unlock() }()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				start := time.Now()
				ok, err := in.Add(ctx, fmt.Sprintf("bench:%d", i), inboxPayload, time.Hour)
				if err != nil || !ok {
					b.Errorf("Add(%d) = %v, %v", i, ok, err)
					return
				}
				mine = append(mine, time.Since(start))
			}
		})
	}
	wg.Wait()
	return lat
}

func reportP99(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchInboxAdd measures Add (dedup mark and item, durable) from
// InboxClients concurrent goroutines and reports events/s and the p99
// latency of one Add.
func BenchInboxAdd(b *testing.B, s store.Store) {
	b.ResetTimer()
	lat := addAll(b, s.Inbox())
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	reportP99(b, lat)
}

// BenchInboxPipeline measures the whole path: InboxClients goroutines add
// events while InboxConsumers workers take them, up to 32 at a time, and
// handle each taken event in its own goroutine that marks it Done (as bot
// handlers run in parallel). It reports handled events/s and the p99 of Add.
func BenchInboxPipeline(b *testing.B, s store.Store) {
	in, ctx := s.Inbox(), context.Background()
	var (
		handled atomic.Int64
		wg      sync.WaitGroup
	)
	b.ResetTimer()
	for w := range InboxConsumers {
		name := fmt.Sprintf("bench-worker-%d", w)
		wg.Go(func() {
			for handled.Load() < int64(b.N) {
				items, err := in.Take(ctx, name, 32, time.Minute, 50*time.Millisecond)
				if err != nil {
					b.Errorf("Take: %v", err)
					return
				}
				var handlers sync.WaitGroup
				for _, it := range items {
					handlers.Go(func() {
						if err := in.Done(ctx, it.ID); err != nil {
							b.Errorf("Done: %v", err)
							return
						}
						handled.Add(1)
					})
				}
				handlers.Wait()
			}
		})
	}
	lat := addAll(b, in)
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	reportP99(b, lat)
}
