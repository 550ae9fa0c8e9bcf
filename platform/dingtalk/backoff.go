package dingtalk

import (
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// Backoff paces stream reconnects: exponential from Initial, doubled per
// failed attempt up to Max, each delay drawn at random from [d/2, d] (jitter).
// The sequence starts over after a healthy connection, one that received at
// least one frame from the gateway.
type Backoff struct {
	Initial time.Duration // first delay; 1 s when zero
	Max     time.Duration // cap; 60 s when zero
}

// DefaultBackoff returns the production reconnect pacing.
func DefaultBackoff() Backoff { return Backoff{Initial: time.Second, Max: time.Minute} }

func (b Backoff) withDefaults() Backoff {
	d := DefaultBackoff()
	bot.DefaultTo(&b.Initial, d.Initial)
	bot.DefaultTo(&b.Max, d.Max)
	b.Max = max(b.Max, b.Initial)
	return b
}

// delay returns the wait before reconnect attempt n (0-based).
func (b Backoff) delay(n int) time.Duration { return bot.Backoff(n, b.Initial, b.Max) }
