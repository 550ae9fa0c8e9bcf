package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

// BenchmarkIntake measures the whole intake on each store: 200 senders
// Dispatch events (the durable write a platform waits for before it answers
// 2xx), the bot's workers take them from the inbox, run a command that
// replies, and remove them. events/s counts events handled (reply queued,
// event removed from the inbox) per second, from the first Dispatch to the
// last removal; p99-accept-ms is the Dispatch latency a platform sees.
func BenchmarkIntake(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		st, err := embedded.Open(filepath.Join(b.TempDir(), "banzu.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchIntake(b, st)
	})
	b.Run("redis", func(b *testing.B) {
		st, err := redisstore.Open(redisstore.Options{URL: redistest.URL(b), Prefix: redistest.Prefix(b)})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchIntake(b, st)
	})
}

func benchIntake(b *testing.B, st store.Store) {
	ctx := context.Background()
	dir, err := bot.NewDirectory(ctx, st, teams)
	if err != nil {
		b.Fatal(err)
	}
	out := bot.NewOutbox(st, nil, bot.OutboxOptions{})
	cmds := bot.NewCommands()
	var handled atomic.Int64
	cmds.Add(&bot.Command{Name: "ping", Usage: "/ping", Role: bot.RoleGuest, Handler: func(ctx context.Context, req *bot.Request) error {
		err := req.ReplyText(ctx, "pong")
		handled.Add(1)
		return err
	}})
	bt := bot.New(st, dir, cmds, out, bot.Options{Workers: 64, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	bt.Start()
	defer bt.Stop()
	n := b.N
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				ev := bot.Event{Platform: "console", ChatID: "t1", ChatType: bot.ChatGroup, SenderID: "a1",
					Text: "/ping", MessageID: fmt.Sprintf("bench-%d-%d", n, i)}
				start := time.Now()
				if err := bt.Dispatch(ctx, ev); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(start)
			}
		}()
	}
	wg.Wait()
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if s, err := st.Inbox().Stats(ctx); err == nil && handled.Load() >= int64(n) && s.Waiting+s.Taken == 0 {
			break
		}
	}
	elapsed := b.Elapsed()
	b.StopTimer()
	if h := handled.Load(); h != int64(n) {
		b.Fatalf("%d of %d events handled", h, n)
	}
	sortDurations(lat)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99-accept-ms")
}

func sortDurations(d []time.Duration) { slices.Sort(d) }
