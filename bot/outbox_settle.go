package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// settle is an ack, a retry or a postponement the store has yet to take.
type settle struct {
	ack      bool
	postpone bool
	due      time.Time
	lastErr  string
}

// ack acknowledges a delivered message, or remembers to.
func (o *Outbox) ack(ctx context.Context, id int64) {
	if err := o.q.Ack(ctx, id); err != nil {
		o.log.Warn("outbox ack failed, will repeat it", "id", id, "error", err)
		o.mu.Lock()
		o.unsettled[id] = settle{ack: true}
		o.mu.Unlock()
	}
}

// retry reschedules a message, or remembers to.
func (o *Outbox) retry(ctx context.Context, id int64, due time.Time, lastErr string) {
	err := o.q.Retry(ctx, id, due, lastErr)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		o.log.Warn("outbox retry not recorded, will repeat it", "id", id, "error", err)
		o.mu.Lock()
		if cur, ok := o.unsettled[id]; !ok || !cur.ack {
			o.unsettled[id] = settle{due: due, lastErr: lastErr}
		}
		o.mu.Unlock()
	}
}

// postpone defers a message that waits for its turn (pacing, order), or
// remembers to; it does not count as a failed attempt.
func (o *Outbox) postpone(ctx context.Context, id int64, due time.Time) {
	err := o.q.Postpone(ctx, id, due)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		o.log.Warn("outbox postponement not recorded, will repeat it", "id", id, "error", err)
		o.mu.Lock()
		if cur, ok := o.unsettled[id]; !ok || cur.postpone {
			o.unsettled[id] = settle{postpone: true, due: due}
		}
		o.mu.Unlock()
	}
}

// settle applies the remembered acks and retries; it stops at the first
// store error (the store is still away).
func (o *Outbox) settle(ctx context.Context) error {
	o.mu.Lock()
	pending := maps.Clone(o.unsettled)
	o.mu.Unlock()
	for id, st := range pending {
		var err error
		switch {
		case st.ack:
			err = o.q.Ack(ctx, id)
		case st.postpone:
			err = o.q.Postpone(ctx, id, st.due)
		default:
			err = o.q.Retry(ctx, id, st.due, st.lastErr)
		}
		if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
		if err != nil {
			return fmt.Errorf("settle outbox %d: %w", id, err)
		}
		o.mu.Lock()
		if o.unsettled[id] == st {
			delete(o.unsettled, id)
		}
		o.mu.Unlock()
	}
	return nil
}
