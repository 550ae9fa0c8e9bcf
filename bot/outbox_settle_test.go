package bot_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/store"
)

// brokenAcks is a store whose outbox refuses acks and retries while down.
type brokenAcks struct {
	store.Store
	down *atomic.Bool
}

func (b brokenAcks) Outbox() store.Outbox { return brokenOutbox{b.Store.Outbox(), b.down} }

type brokenOutbox struct {
	store.Outbox
	down *atomic.Bool
}

var errDown = errors.New("store away")

func (b brokenOutbox) Ack(ctx context.Context, id int64) error {
	if b.down.Load() {
		return errDown
	}
	return b.Outbox.Ack(ctx, id)
}

func (b brokenOutbox) Retry(ctx context.Context, id int64, due time.Time, lastErr string) error {
	if b.down.Load() {
		return errDown
	}
	return b.Outbox.Retry(ctx, id, due, lastErr)
}

// TestOutboxSettlesAfterStoreOutage: a retry and an ack the store refused are
// applied once it is back, so the failed message is not hidden for a whole
// claim lease and the delivered one is not sent again.
func TestOutboxSettlesAfterStoreOutage(t *testing.T) {
	ctx := context.Background()
	down := &atomic.Bool{}
	st := brokenAcks{openStore(t), down}
	rec := &recorder{fail: func(n int) error {
		if n == 0 {
			return &bot.RetryError{After: time.Millisecond, Err: errors.New("platform hiccup")}
		}
		return nil
	}}
	out := bot.NewOutbox(st, []bot.Platform{rec}, bot.OutboxOptions{Lease: time.Hour, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	dest := bot.Destination{Platform: "console", ChatID: "t1"}
	if err := out.Enqueue(ctx, dest, bot.Message{Text: "一"}); err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	out.Flush(ctx) // the send fails and the store refuses the retry: claimed for an hour
	down.Store(false)
	for i := 0; i < 50 && len(rec.texts()) == 0; i++ {
		out.Flush(ctx)
		time.Sleep(2 * time.Millisecond)
	}
	if got := rec.texts(); len(got) != 1 || got[0] != "一" {
		t.Fatalf("after the outage: delivered %q, want the message once", got)
	}

	// An ack refused while the store is away is repeated: no second delivery.
	if err := out.Enqueue(ctx, dest, bot.Message{Text: "二"}); err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	out.Flush(ctx) // delivered, ack refused
	down.Store(false)
	for range 5 {
		out.Flush(ctx)
	}
	if depth, _, _ := st.Outbox().Stats(ctx); depth != 0 {
		t.Fatalf("outbox depth %d after the store came back, want 0", depth)
	}
	if got := rec.texts(); len(got) != 2 {
		t.Fatalf("delivered %q, want each message once", got)
	}
}

// TestOutboxPacingIsNotAFailure: a message held back by the rate limit is
// postponed without counting an attempt, so later backoff is not inflated.
func TestOutboxPacingIsNotAFailure(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	rec := &recorder{pace: 1} // one message a minute per chat
	out := bot.NewOutbox(st, []bot.Platform{rec}, bot.OutboxOptions{})
	dest := bot.Destination{Platform: "console", ChatID: "t1"}
	for _, text := range []string{"一", "二"} {
		if err := out.Enqueue(ctx, dest, bot.Message{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		out.Flush(ctx)
	}
	if got := rec.texts(); len(got) != 1 {
		t.Fatalf("delivered %q within the limit's minute, want one", got)
	}
	items, err := st.Outbox().Claim(ctx, time.Now().Add(2*time.Minute), 10, time.Minute)
	if err != nil || len(items) != 1 {
		t.Fatalf("waiting items: %v %v", items, err)
	}
	if items[0].Attempts != 0 || items[0].LastError != "" {
		t.Fatalf("the paced message counts %d attempts (%q), want none", items[0].Attempts, items[0].LastError)
	}
}
