package wecom

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

// Transports of the intelligent robot (wecom.aibot.mode).
const (
	// ModeLongConn keeps one outgoing WebSocket to WeCom: no public URL.
	ModeLongConn = "longconn"
	// ModeCallback receives encrypted HTTP callbacks at CallbackPath.
	ModeCallback = "callback"
	// DefaultWSURL is the long connection's endpoint.
	DefaultWSURL = "wss://openws.work.weixin.qq.com"
)

// ModeOf is the transport cfg selects: wecom.aibot.mode when set, else the
// long connection when bot_id and secret are both set, else the callback.
func ModeOf(cfg config.WeCom) string {
	switch {
	case cfg.AIBot.Mode != "":
		return cfg.AIBot.Mode
	case cfg.AIBot.BotID != "" && cfg.AIBot.Secret != "":
		return ModeLongConn
	}
	return ModeCallback
}

// LongConnTuning paces the long connection. Zero fields take the value of
// DefaultLongConnTuning.
type LongConnTuning struct {
	// Heartbeat is the ping interval; two unanswered pings in a row make
	// the client reconnect. 30 s.
	Heartbeat time.Duration
	// BackoffInitial and BackoffMax pace reconnects: doubled per failed
	// attempt (1, 2, 4 ... 30 s), with jitter, reset after a subscription.
	BackoffInitial, BackoffMax time.Duration
	// Takeover is how long the client stays away after WeCom closed its
	// connection because another one subscribed (disconnected_event)
	// before it subscribes again on its own. Zero, the default, means
	// never: like WeCom's SDK it stays down until an operator asks
	// (Reconnect, `banzu wecom reconnect`) or the process restarts, so two
	// deployments of one robot do not take it from each other.
	// wecom.aibot.reconnect_after_kick_minutes sets it.
	Takeover time.Duration
	// LeaseTTL is the lease that makes one replica hold the connection: it
	// is renewed every LeaseTTL/3 and another replica takes over within
	// LeaseTTL of the holder's death. 15 s.
	LeaseTTL time.Duration
	// LeaseRetry is how often a replica without the connection checks the
	// lease. 2 s.
	LeaseRetry time.Duration
	// RetryAfter is the retry delay Send asks for when this replica has no
	// connection. 2 s.
	RetryAfter time.Duration
	// AckTimeout bounds the wait for one ack (subscribe, reply, upload). 10 s.
	AckTimeout time.Duration
	// DialTimeout bounds the WebSocket handshake. 15 s.
	DialTimeout time.Duration
}

// DefaultLongConnTuning is the production pacing. Tests of other packages
// (the app's end-to-end tests) may shorten it before building a Platform.
var DefaultLongConnTuning = LongConnTuning{
	Heartbeat:      30 * time.Second,
	BackoffInitial: time.Second,
	BackoffMax:     30 * time.Second,
	LeaseTTL:       15 * time.Second,
	LeaseRetry:     2 * time.Second,
	RetryAfter:     2 * time.Second,
	AckTimeout:     10 * time.Second,
	DialTimeout:    15 * time.Second,
}

func (t LongConnTuning) withDefaults() LongConnTuning {
	d := DefaultLongConnTuning
	bot.DefaultTo(&t.Heartbeat, d.Heartbeat)
	bot.DefaultTo(&t.BackoffInitial, d.BackoffInitial)
	bot.DefaultTo(&t.BackoffMax, d.BackoffMax)
	bot.DefaultTo(&t.LeaseTTL, d.LeaseTTL)
	bot.DefaultTo(&t.LeaseRetry, d.LeaseRetry)
	bot.DefaultTo(&t.RetryAfter, d.RetryAfter)
	bot.DefaultTo(&t.AckTimeout, d.AckTimeout)
	bot.DefaultTo(&t.DialTimeout, d.DialTimeout)
	t.BackoffMax = max(t.BackoffMax, t.BackoffInitial)
	return t
}

// backoff is the wait before reconnect attempt n (0-based), drawn from
// [d/2, d] where d doubles from BackoffInitial up to BackoffMax.
func (t LongConnTuning) backoff(n int) time.Duration {
	return bot.Backoff(n, t.BackoffInitial, t.BackoffMax)
}

// Keys of Event.Reply in long-connection mode.
const (
	// ReplyReqIDKey holds the req_id of the callback; a reply goes out as
	// aibot_respond_msg with it.
	ReplyReqIDKey = "req_id"
	// ReplyConnKey names the connection the callback arrived on: a req_id
	// is only valid there (errcode 846605 elsewhere).
	ReplyConnKey = "conn"
	// ReplyKindKey is "click" for a template-card click: its req_id only
	// takes aibot_respond_update_msg (a Card message with Update), within
	// 5 s of ReplyReceivedKey; other messages for it are pushed. Unset for
	// a message.
	ReplyKindKey = "kind"
	// ReplyTaskKey holds the clicked card's task_id when the click had one.
	ReplyTaskKey = "task_id"
)

// Keys of the replica coordination (in a LeaseStore).
const (
	leasePrefix   = "wecom-longconn:" // + bot id: the lease of the holder
	wantPrefix    = "want:"           // + bot id: a replica that must send asks for the connection
	kickedPrefix  = "kicked:"         // + bot id: unix ns of a disconnected_event; replicas started before it stay down
	maxFrameBytes = 1 << 20
)

var (
	errKicked       = errors.New("wecom: another connection subscribed this robot (disconnected_event): another deployment (staging?) uses the same bot_id")
	errNotConnected = errors.New("wecom: this replica does not hold the long connection")
)

// longConn is the long connection's state in a Platform.
type longConn struct {
	tune        LongConnTuning
	url         string
	st          LeaseStore // nil: a single process, no lease
	owner       string
	listenMu    sync.Mutex
	cur         atomic.Pointer[wsConn] // the subscribed connection, or nil
	reconnects  atomic.Int64
	lastSend    atomic.Int64 // unix ns of the last Send needing the connection
	lastWant    atomic.Int64 // unix ns of the last want written
	kickedAt    atomic.Int64 // unix ns of the kick this process honours; 0: not kicked
	kicks       atomic.Int64
	started     time.Time     // kicks recorded before this bind no process started later
	wake        chan struct{} // Reconnect
	undecodable atomic.Int64
}

// Mode is the intelligent robot's transport: ModeLongConn or ModeCallback.
func (p *Platform) Mode() string { return p.mode }

// Reconnects counts the long connection's reconnects since New.
func (p *Platform) Reconnects() int64 { return p.lc.reconnects.Load() }

// Connected reports whether this process holds a subscribed long connection.
func (p *Platform) Connected() bool { return p.lc.cur.Load() != nil }

// Listen runs the long connection until ctx ends, then returns nil; in
// callback mode it only waits. handle, when not nil, replaces Options.Handle.
//
// With a store (replicas), the connection is held by one process at a time
// through a lease in the store (see holdConnection). WeCom allows one
// connection per robot: a second subscription makes WeCom close the first
// with a disconnected_event, so replicas that each connected would kick each
// other forever.
//
// Who sends: WeCom only accepts replies on the connection that received the
// message, and the outbox has exactly one sender process (the
// "outbox-sender" lease). The two roles are tied together by following the
// sender: Send on a replica without the connection returns a *bot.RetryError
// and records in the store that this replica wants the connection; the
// holder, on its next lease renewal, hands the connection over if it has not
// had anything to send itself for a lease period (so it is not the sender).
// Other replicas do not take a free lease that another one wants. Messages
// therefore wait in the outbox (never sent by the wrong process) for at most
// about one lease renewal plus a reconnect, and only while the sender role
// and the connection are on different replicas: after a start or a crash.
func (p *Platform) Listen(ctx context.Context, handle bot.Accept) error {
	if handle != nil {
		p.sink.Store(&handle)
	}
	if p.mode != ModeLongConn {
		<-ctx.Done()
		return nil
	}
	if p.cfg.AIBot.BotID == "" || p.cfg.AIBot.Secret == "" {
		return errors.New("wecom: long-connection mode needs wecom.aibot.bot_id and wecom.aibot.secret")
	}
	if !p.lc.listenMu.TryLock() {
		return errors.New("wecom: Listen is already running")
	}
	defer p.lc.listenMu.Unlock()
	for {
		if !p.awaitLease(ctx) {
			p.log.Info("wecom long connection stopped")
			return nil
		}
		p.holdConnection(ctx)
		p.releaseLease()
		if ctx.Err() != nil {
			p.log.Info("wecom long connection stopped")
			return nil
		}
	}
}
