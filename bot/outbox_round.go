package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// Flush runs one delivery round and returns how many messages it handled.
func (o *Outbox) Flush(ctx context.Context) (int, error) {
	held, err := o.st.Acquire(ctx, "outbox-sender", o.opts.Owner, o.opts.SenderLease)
	if err != nil || !held {
		return 0, err
	}
	if err := o.settle(ctx); err != nil {
		return 0, err
	}
	items, err := o.q.Claim(ctx, o.opts.Now(), 100, o.opts.Lease)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	// One goroutine per destination keeps each chat in order; destinations
	// are delivered in parallel up to the limit.
	byDest := map[string][]store.OutboxItem{}
	var order []string
	for _, it := range items {
		if _, ok := byDest[it.Dest]; !ok {
			order = append(order, it.Dest)
		}
		byDest[it.Dest] = append(byDest[it.Dest], it)
	}
	for _, key := range order {
		list := byDest[key]
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID }) // enqueue order
	}
	round := newRoundSet(items)
	stopKeeper := o.keep(ctx, round)
	defer stopKeeper()
	sem := make(chan struct{}, o.opts.Parallel)
	var wg sync.WaitGroup
	for _, key := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func(list []store.OutboxItem) {
			defer wg.Done()
			defer func() { <-sem }()
			o.deliverAll(ctx, list, round)
		}(byDest[key])
	}
	wg.Wait()
	return len(items), nil
}

// roundSet holds the ids of a round's messages not settled yet.
type roundSet struct {
	mu  sync.Mutex
	ids map[int64]struct{}
}

func newRoundSet(items []store.OutboxItem) *roundSet {
	r := &roundSet{ids: make(map[int64]struct{}, len(items))}
	for _, it := range items {
		r.ids[it.ID] = struct{}{}
	}
	return r
}

func (r *roundSet) done(id int64) {
	r.mu.Lock()
	delete(r.ids, id)
	r.mu.Unlock()
}

func (r *roundSet) list() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]int64, 0, len(r.ids))
	for id := range r.ids {
		out = append(out, id)
	}
	return out
}

// keep renews the sender lease and keeps the round's unsettled messages
// hidden while a round runs longer than a lease (a slow upload), so short
// leases do not let another replica send them a second time. It returns a
// function that stops it.
func (o *Outbox) keep(ctx context.Context, round *roundSet) func() {
	kctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Every(kctx, min(o.opts.Lease, o.opts.SenderLease)/3, func() bool {
			if _, err := o.st.Acquire(kctx, "outbox-sender", o.opts.Owner, o.opts.SenderLease); err != nil {
				o.log.Warn("outbox: sender lease not renewed", "error", err)
			}
			due := o.opts.Now().Add(o.opts.Lease)
			for _, id := range round.list() {
				if err := o.q.Postpone(kctx, id, due); err != nil && !errors.Is(err, store.ErrNotFound) {
					o.log.Warn("outbox: claim not renewed", "id", id, "error", err)
				}
			}
			return true
		})
	}()
	return func() { cancel(); <-done }
}

func (o *Outbox) deliverAll(ctx context.Context, list []store.OutboxItem, round *roundSet) {
	for i, it := range list {
		if head, waiting := o.blockedBy(it); waiting {
			// An older message to this destination waits for a retry: keep order.
			for j, rest := range list[i:] {
				round.done(rest.ID)
				due := head.Add(time.Duration(j+1) * time.Millisecond)
				o.setHead(rest, due, false)
				o.postpone(ctx, rest.ID, due)
			}
			return
		}
		next, ok := o.deliver(ctx, it, round)
		o.setHead(it, next, ok)
		if !ok {
			// Keep the chat in order: everything after a deferred message waits too.
			for j, rest := range list[i+1:] {
				round.done(rest.ID)
				due := next.Add(time.Duration(j+1) * time.Millisecond)
				o.setHead(rest, due, false)
				o.postpone(ctx, rest.ID, due)
			}
			return
		}
	}
}

// deliver sends one item. It returns false with the time the item is due again
// when it was deferred.
func (o *Outbox) deliver(ctx context.Context, it store.OutboxItem, round *roundSet) (time.Time, bool) {
	// Before the item is settled (ack, retry, postpone, dead) the keeper
	// must stop holding it, or it could undo a retry's time; while it is
	// being sent the keeper keeps it hidden.
	var env envelope
	if err := json.Unmarshal(it.Payload, &env); err != nil {
		round.done(it.ID)
		o.dead(ctx, it, "undecodable payload: "+err.Error())
		return time.Time{}, true
	}
	p := o.platform(env.Dest.Platform)
	if p == nil {
		round.done(it.ID)
		o.dead(ctx, it, "no platform "+env.Dest.Platform)
		return time.Time{}, true
	}
	now := o.opts.Now()
	if pc, ok := p.(Pacer); ok {
		key, limit, per := pc.PaceKey(env.Dest)
		if key != "" && limit > 0 {
			if wait := o.reserve(key, limit, per, now); wait > 0 {
				round.done(it.ID)
				next := now.Add(wait)
				o.postpone(ctx, it.ID, next)
				return next, false
			}
		}
	}
	sendCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := p.Send(WithOutboxID(sendCtx, it.ID), env.Dest, env.Msg)
	cancel()
	round.done(it.ID)
	switch {
	case err == nil:
		o.ack(ctx, it.ID)
		o.count(env.Dest.Platform, "sent")
		return time.Time{}, true
	case IsPermanent(err):
		o.dead(ctx, it, err.Error())
		return time.Time{}, true
	default:
		delay := o.backoff(it.Attempts)
		var re *RetryError
		if errors.As(err, &re) && re.After > 0 {
			delay = re.After
		}
		next := now.Add(delay)
		o.log.Warn("outbox send failed, will retry", "id", it.ID, "dest", it.Dest, "attempt", it.Attempts+1, "retry_in", delay.String(), "error", err)
		o.retry(ctx, it.ID, next, err.Error())
		o.count(env.Dest.Platform, "retried")
		return next, false
	}
}

func (o *Outbox) backoff(attempts int) time.Duration {
	return Backoff(attempts, o.opts.MinBackoff, o.opts.MaxBackoff)
}

// dead moves a message the platform refused for good into the dead ledger.
func (o *Outbox) dead(ctx context.Context, it store.OutboxItem, reason string) {
	entry, _ := json.Marshal(map[string]any{"item": it, "reason": reason, "at": o.opts.Now()})
	if _, _, err := o.st.Append(ctx, deadLedger, fmt.Sprintf("outbox-%d", it.ID), entry); err != nil {
		o.log.Error("outbox dead-letter failed, keeping message", "id", it.ID, "error", err)
		o.retry(ctx, it.ID, o.opts.Now().Add(o.opts.MaxBackoff), reason)
		return
	}
	o.ack(ctx, it.ID)
	platform, _, _ := strings.Cut(it.Dest, ":")
	o.count(platform, "dead")
	o.log.Error("outbox message refused for good", "id", it.ID, "dest", it.Dest, "reason", reason)
}
