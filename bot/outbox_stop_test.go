package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// slowPlatform takes a while to send and says when it has started.
type slowPlatform struct {
	started chan struct{}
	sent    chan string
}

func (s *slowPlatform) Name() string { return "console" }

func (s *slowPlatform) Send(ctx context.Context, _ bot.Destination, m bot.Message) error {
	close(s.started)
	select {
	case <-time.After(200 * time.Millisecond):
		s.sent <- m.Text
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestOutboxRunFinishesTheRoundWhenStopped: stopping Run during a send lets
// the send finish and be acknowledged, instead of leaving it claimed.
func TestOutboxRunFinishesTheRoundWhenStopped(t *testing.T) {
	st := openStore(t)
	p := &slowPlatform{started: make(chan struct{}), sent: make(chan string, 1)}
	out := bot.NewOutbox(st, []bot.Platform{p}, bot.OutboxOptions{Poll: time.Millisecond})
	if err := out.Enqueue(context.Background(), bot.Destination{Platform: "console", ChatID: "t1"}, bot.Message{Text: "收尾"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { out.Run(ctx); close(done) }()
	<-p.started
	cancel()
	<-done
	select {
	case got := <-p.sent:
		if got != "收尾" {
			t.Fatalf("sent %q", got)
		}
	default:
		t.Fatal("the send in progress was cut off when Run stopped")
	}
	if depth, _, _ := st.Outbox().Stats(context.Background()); depth != 0 {
		t.Fatalf("outbox depth %d after the round finished, want 0 (acknowledged)", depth)
	}
}
