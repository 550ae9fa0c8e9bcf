package bot

import (
	"time"

	"github.com/banzu-bot/banzu/store"
)

// blockedBy reports whether an older message to it's destination is
// waiting, and until when (the latest due time among the older ones). A
// deferred message that should have come back long ago (another replica
// sent it, or it was removed) stops holding the destination.
func (o *Outbox) blockedBy(it store.OutboxItem) (time.Time, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var until time.Time
	blocked := false
	now := o.opts.Now()
	for id, due := range o.waiting[it.Dest] {
		if now.After(due.Add(o.opts.Lease)) {
			delete(o.waiting[it.Dest], id)
			continue
		}
		if id < it.ID {
			blocked = true
			if due.After(until) {
				until = due
			}
		}
	}
	return until, blocked
}

// setHead records that it waits until next, or, once it was delivered (or
// dead-lettered), that it no longer holds its destination.
func (o *Outbox) setHead(it store.OutboxItem, next time.Time, done bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	w := o.waiting[it.Dest]
	if done {
		delete(w, it.ID)
		if len(w) == 0 {
			delete(o.waiting, it.Dest)
		}
		return
	}
	if w == nil {
		w = map[int64]time.Time{}
		o.waiting[it.Dest] = w
	}
	w[it.ID] = next
}

// window is a sliding window of send times for one paced destination.
type window struct{ sent []time.Time }

// reserve records a send at now if the destination's limit allows it, or
// returns how long to wait.
func (o *Outbox) reserve(key string, limit int, per time.Duration, now time.Time) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	w := o.paces[key]
	if w == nil {
		w = &window{}
		o.paces[key] = w
	}
	cut := 0
	for cut < len(w.sent) && now.Sub(w.sent[cut]) >= per {
		cut++
	}
	w.sent = w.sent[cut:]
	if len(w.sent) >= limit {
		return per - now.Sub(w.sent[0])
	}
	w.sent = append(w.sent, now)
	return 0
}
