package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
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
	DefaultTo(&opts.Poll, 500*time.Millisecond)
	DefaultTo(&opts.Lease, 10*time.Second)
	DefaultTo(&opts.SenderLease, 10*time.Second)
	DefaultTo(&opts.MinBackoff, 2*time.Second)
	DefaultTo(&opts.MaxBackoff, 5*time.Minute)
	DefaultTo(&opts.Parallel, 8)
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
	return maps.Clone(o.counts)
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
