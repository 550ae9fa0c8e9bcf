package growth

import (
	"context"
	"time"
)

// Promotion is a move up the path, as listeners hear of it.
type Promotion struct {
	Team     string
	Member   string
	From, To string
	By       string
	HireDate string // YYYY-MM-DD, "" when unknown
	At       time.Time
}

// Listener hears of promotions (the 伯乐奖 follow-up, say). It returns a
// line for the person who promoted, "" for nothing to say.
type Listener interface {
	Promoted(ctx context.Context, p Promotion) (string, error)
}

// ListenerFunc adapts a function to Listener.
type ListenerFunc func(ctx context.Context, p Promotion) (string, error)

// Promoted calls f.
func (f ListenerFunc) Promoted(ctx context.Context, p Promotion) (string, error) { return f(ctx, p) }
