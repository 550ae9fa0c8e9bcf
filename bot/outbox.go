package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// deadLedger keeps messages a platform refused for good, so nothing vanishes.
const deadLedger = "outbox.dead"

type outboxIDCtx struct{}

// WithOutboxID tells a platform's Send which outbox item it delivers.
func WithOutboxID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, outboxIDCtx{}, id)
}

// OutboxID is the id of the outbox item being delivered (0 outside a
// delivery). A platform that keeps what it was sent (the console) uses it to
// store a message redelivered after a crash only once.
func OutboxID(ctx context.Context) int64 {
	id, _ := ctx.Value(outboxIDCtx{}).(int64)
	return id
}

// envelope is what the outbox stores for one message.
type envelope struct {
	Dest Destination `json:"dest"`
	Msg  Message     `json:"msg"`
}

// OutboxOptions tune delivery.
type OutboxOptions struct {
	Owner string        // this process's id for the sender lease
	Poll  time.Duration // how often to look for due messages
	// Lease is how long a claimed message stays hidden; renewed while its
	// round runs, so after a crash the next sender sends it within this
	// time. 10 s when zero.
	Lease time.Duration
	// SenderLease is how long the sender role outlives its holder's last
	// sign of life: after a crash (kill -9) another process takes over
	// delivery within this time. Renewed during every round; 10 s when zero.
	SenderLease time.Duration
	MinBackoff  time.Duration
	MaxBackoff  time.Duration
	Parallel    int // destinations delivered at once
	Now         func() time.Time
	Logger      *slog.Logger
	// Delivered is called after each delivery attempt with the platform and
	// the outcome: "sent", "retried" or "dead". Optional (metrics).
	Delivered func(platform, outcome string)
}

// Outbox stores every outgoing message before it is sent and delivers it with
// retries and per-destination pacing. With several replicas, one holds the
// sender lease and delivers; the others only enqueue.
type Outbox struct {
	st        store.Store
	q         store.Outbox
	platforms map[string]Platform
	opts      OutboxOptions
	log       *slog.Logger
	wake      chan struct{}

	mu    sync.Mutex
	paces map[string]*window
	// waiting holds, per destination, the messages deferred (a retry, a
	// pacing or order postponement) and when they are due again: a newer
	// message to the destination waits for every older one in it.
	waiting map[string]map[int64]time.Time
	// unsettled holds acks and retries the store refused (Redis restarting):
	// they are applied at the start of the next rounds, so a delivered
	// message is not sent again and a failed one does not stay hidden for
	// a whole claim lease.
	unsettled map[int64]settle
	counts    map[string]int64 // "sent", "retried", "dead"
}

// NewOutbox builds an outbox over the store delivering to the given platforms.
func NewOutbox(st store.Store, platforms []Platform, opts OutboxOptions) *Outbox {
	if opts.Poll <= 0 {
		opts.Poll = 500 * time.Millisecond
	}
	if opts.Lease <= 0 {
		opts.Lease = 10 * time.Second
	}
	if opts.SenderLease <= 0 {
		opts.SenderLease = 10 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 2 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Owner == "" {
		opts.Owner = fmt.Sprintf("banzu-%d", rand.Int64())
	}
	o := &Outbox{st: st, q: st.Outbox(), platforms: map[string]Platform{}, opts: opts, log: opts.Logger,
		wake: make(chan struct{}, 1), paces: map[string]*window{}, waiting: map[string]map[int64]time.Time{}, counts: map[string]int64{}, unsettled: map[int64]settle{}}
	for _, p := range platforms {
		o.platforms[p.Name()] = p
	}
	return o
}

// AddPlatform registers a platform to deliver to.
func (o *Outbox) AddPlatform(p Platform) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.platforms[p.Name()] = p
}

func (o *Outbox) platform(name string) Platform {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.platforms[name]
}

// roundGrace is how long a delivery round may go on after Run is told to stop.
const roundGrace = 10 * time.Second

// enqueuePatience is how long Enqueue keeps retrying a failing store.
const enqueuePatience = 20 * time.Second

// Enqueue stores a message for delivery, retrying a failing store for a while.
func (o *Outbox) Enqueue(ctx context.Context, dest Destination, msg Message) error {
	payload, err := json.Marshal(envelope{Dest: dest, Msg: msg})
	if err != nil {
		return err
	}
	key := o.paceKey(dest)
	// While an event is handled, each message gets a key derived from the
	// event: handled again after a crash, it does not queue its replies twice.
	item := store.OutboxItem{Dest: key, Key: nextSendKey(ctx, payload), Payload: payload, Created: o.opts.Now(), DueAt: o.opts.Now()}
	// A store that is briefly away (Redis restarting) must not lose a reply:
	// keep trying for a while before giving up.
	wait := 50 * time.Millisecond
	deadline := time.Now().Add(enqueuePatience)
	for {
		_, err := o.q.Enqueue(ctx, item)
		if err == nil {
			break
		}
		if time.Now().Add(wait).After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		o.log.Warn("outbox enqueue failed, retrying", "dest", key, "retry_in", wait.String(), "error", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("outbox: %w", ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

func (o *Outbox) paceKey(dest Destination) string {
	if p, ok := o.platform(dest.Platform).(Pacer); ok {
		if key, _, _ := p.PaceKey(dest); key != "" {
			return key
		}
	}
	return dest.Platform + ":" + dest.ChatID + dest.UserID
}

// Counts returns delivery counters: sent, retried, dead.
func (o *Outbox) Counts() map[string]int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]int64, len(o.counts))
	for k, v := range o.counts {
		out[k] = v
	}
	return out
}

func (o *Outbox) count(platform, k string) {
	o.mu.Lock()
	o.counts[k]++
	o.mu.Unlock()
	if d := o.opts.Delivered; d != nil {
		d(platform, k)
	}
}

// Run delivers messages until ctx ends. Only the holder of the sender lease
// delivers; it is renewed on every round.
func (o *Outbox) Run(ctx context.Context) {
	t := time.NewTicker(o.opts.Poll)
	defer t.Stop()
	defer o.st.Release(context.Background(), "outbox-sender", o.opts.Owner)
	// A round in progress when ctx ends may finish its deliveries (up to
	// roundGrace), so no message is left claimed and hidden by a cut-off send.
	round, cancelRound := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRound()
	stopGrace := context.AfterFunc(ctx, func() { time.AfterFunc(roundGrace, cancelRound) })
	defer stopGrace()
	for {
		if ctx.Err() != nil {
			return
		}
		if n, err := o.Flush(round); err != nil && ctx.Err() == nil {
			o.log.Warn("outbox round failed", "error", err)
		} else if n > 0 {
			continue // more may be due right away
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wake:
		}
	}
}

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
		t := time.NewTicker(min(o.opts.Lease, o.opts.SenderLease) / 3)
		defer t.Stop()
		for {
			select {
			case <-kctx.Done():
				return
			case <-t.C:
			}
			if _, err := o.st.Acquire(kctx, "outbox-sender", o.opts.Owner, o.opts.SenderLease); err != nil {
				o.log.Warn("outbox: sender lease not renewed", "error", err)
			}
			due := o.opts.Now().Add(o.opts.Lease)
			for _, id := range round.list() {
				if err := o.q.Postpone(kctx, id, due); err != nil && !errors.Is(err, store.ErrNotFound) {
					o.log.Warn("outbox: claim not renewed", "id", id, "error", err)
				}
			}
		}
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
	pending := make(map[int64]settle, len(o.unsettled))
	for id, st := range o.unsettled {
		pending[id] = st
	}
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
