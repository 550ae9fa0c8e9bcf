package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

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
	fill := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&t.Heartbeat, d.Heartbeat)
	fill(&t.BackoffInitial, d.BackoffInitial)
	fill(&t.BackoffMax, d.BackoffMax)
	fill(&t.LeaseTTL, d.LeaseTTL)
	fill(&t.LeaseRetry, d.LeaseRetry)
	fill(&t.RetryAfter, d.RetryAfter)
	fill(&t.AckTimeout, d.AckTimeout)
	fill(&t.DialTimeout, d.DialTimeout)
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

func (p *Platform) leaseName() string { return leasePrefix + p.cfg.AIBot.BotID }

// awaitLease waits until this process holds the connection lease (at once
// without a store). It reports false when ctx ended first.
func (p *Platform) awaitLease(ctx context.Context) bool {
	if p.lc.st == nil {
		return ctx.Err() == nil
	}
	logged := false
	for {
		if ctx.Err() != nil {
			return false
		}
		if p.Kicked() {
			// Kicked while holding the lease, then handed it over: the
			// kick ends here too once cleared (Reconnect on any replica).
			if _, still := p.storedKick(ctx); !still {
				p.lc.kickedAt.Store(0)
			}
		}
		if w, ok := p.readWant(ctx); !ok || w.Owner == p.lc.owner || !w.fresh(p.lc.tune.LeaseTTL) {
			held, err := p.lc.st.Acquire(ctx, p.leaseName(), p.lc.owner, p.lc.tune.LeaseTTL)
			switch {
			case err != nil && ctx.Err() == nil:
				p.log.Warn("wecom long connection: cannot read the lease", "error", err)
			case held:
				if ok && w.Owner == p.lc.owner {
					_ = p.lc.st.Delete(ctx, wantPrefix+p.cfg.AIBot.BotID)
				}
				p.log.Info("wecom long connection lease acquired", "owner", p.lc.owner)
				return true
			}
		}
		if !logged {
			p.log.Info("wecom long connection held by another replica, standing by", "owner", p.lc.owner)
			logged = true
		}
		if !sleepCtx(ctx, p.lc.tune.LeaseRetry) {
			return false
		}
	}
}

// releaseLease gives the lease up so that another replica can connect at once.
func (p *Platform) releaseLease() {
	if p.lc.st == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.lc.st.Release(ctx, p.leaseName(), p.lc.owner); err != nil {
		p.log.Warn("wecom long connection: lease not released", "error", err)
	}
}

// holdConnection keeps the connection up (reconnecting with backoff) while
// this process holds the lease, and returns when ctx ends, the lease is lost
// or handed over.
func (p *Platform) holdConnection(ctx context.Context) {
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if p.lc.st != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.keepLease(hctx, cancel)
		}()
	}
	defer wg.Wait()
	attempt := 0
	for {
		if p.kickedNow(hctx) {
			if !p.awaitReconnect(hctx) {
				return
			}
			attempt = 0
		}
		subscribed, err := p.session(hctx)
		if hctx.Err() != nil {
			return
		}
		if errors.Is(err, errKicked) {
			// Do not fight: stay down until an operator asks.
			p.recordKick(hctx)
			continue
		}
		if subscribed {
			attempt = 0
		}
		delay := p.lc.tune.backoff(attempt)
		attempt++
		n := p.lc.reconnects.Add(1)
		p.log.Warn("wecom long connection reconnecting",
			"error", errText(err), "attempt", attempt, "delay_ms", delay.Milliseconds(), "reconnects", n)
		if !sleepCtx(hctx, delay) {
			return
		}
	}
}

// keepLease renews the lease every LeaseTTL/3 and cancels the connection
// when it is lost (taken by another replica, or not renewable for most of
// its TTL) or handed over to the replica that sends.
func (p *Platform) keepLease(ctx context.Context, cancel context.CancelFunc) {
	ttl := p.lc.tune.LeaseTTL
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, err := p.lc.st.Acquire(ctx, p.leaseName(), p.lc.owner, ttl)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if time.Since(renewed) > ttl*2/3 {
				p.log.Error("wecom long connection: lease not renewable, closing the connection", "error", err)
				cancel()
				return
			}
			p.log.Warn("wecom long connection: lease renewal failed", "error", err)
			continue
		case !held:
			p.log.Error("wecom long connection: lease taken by another replica, closing the connection")
			cancel()
			return
		}
		renewed = time.Now()
		if w, ok := p.readWant(ctx); ok && w.Owner != p.lc.owner && w.fresh(ttl) && !p.sentWithin(ttl) {
			p.log.Info("wecom long connection: handing over to the replica that delivers the outbox", "to", w.Owner)
			cancel()
			return
		}
	}
}

// want is a replica's request for the connection.
type want struct {
	Owner string `json:"owner"`
	At    int64  `json:"at"` // unix ns
}

func (w want) fresh(ttl time.Duration) bool { return time.Since(time.Unix(0, w.At)) < ttl }

func (p *Platform) readWant(ctx context.Context) (want, bool) {
	v, found, err := p.lc.st.Get(ctx, wantPrefix+p.cfg.AIBot.BotID)
	if err != nil || !found {
		return want{}, false
	}
	var w want
	if json.Unmarshal(v, &w) != nil {
		return want{}, false
	}
	return w, true
}

// wantConnection records that this replica has messages for the connection
// (it is the outbox sender); written at most every LeaseTTL/4.
func (p *Platform) wantConnection(ctx context.Context) {
	if p.lc.st == nil {
		return
	}
	now := time.Now()
	last := p.lc.lastWant.Load()
	if now.Sub(time.Unix(0, last)) < p.lc.tune.LeaseTTL/4 || !p.lc.lastWant.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	v, _ := json.Marshal(want{Owner: p.lc.owner, At: now.UnixNano()})
	if err := p.lc.st.Put(ctx, wantPrefix+p.cfg.AIBot.BotID, v); err != nil {
		p.log.Warn("wecom long connection: cannot ask for the connection", "error", err)
	}
}

func (p *Platform) sentWithin(d time.Duration) bool {
	return time.Since(time.Unix(0, p.lc.lastSend.Load())) < d
}

// Kicked reports whether the long connection is down because another
// connection took the robot (disconnected_event) and nobody has asked it to
// reconnect yet: /readyz fails and banzu_wecom_kicked is 1 meanwhile.
func (p *Platform) Kicked() bool { return p.lc.kickedAt.Load() != 0 }

// Kicks counts the disconnected_events this process received.
func (p *Platform) Kicks() int64 { return p.lc.kicks.Load() }

// Reconnect asks a long connection stopped by a kick to subscribe again
// (`banzu wecom reconnect` through POST /api/v1/wecom/reconnect). With a
// store it clears the kick record there, so that whichever replica holds the
// connection lease reconnects within LeaseRetry. It reports whether this
// process was down because of a kick.
func (p *Platform) Reconnect(ctx context.Context) (bool, error) {
	was := p.Kicked()
	var err error
	if p.lc.st != nil {
		err = p.lc.st.Delete(ctx, kickedPrefix+p.cfg.AIBot.BotID)
	}
	select {
	case p.lc.wake <- struct{}{}:
	default:
	}
	return was, err
}

// recordKick notes a disconnected_event here and, with a store, for the
// other replicas.
func (p *Platform) recordKick(ctx context.Context) {
	select { // a reconnect asked for before this kick does not count
	case <-p.lc.wake:
	default:
	}
	now := time.Now().UnixNano()
	if p.lc.st != nil {
		if err := p.lc.st.Put(ctx, kickedPrefix+p.cfg.AIBot.BotID, []byte(strconv.FormatInt(now, 10))); err != nil {
			p.log.Warn("wecom long connection: cannot record the kick for the other replicas", "error", err)
		}
	}
	// Visible (Kicked, /readyz) only once recorded, so that a Reconnect
	// seen after it clears the record.
	p.lc.kickedAt.Store(now)
	n := p.lc.kicks.Add(1)
	p.log.Error("wecom long connection stopped: WeCom closed it because another connection subscribed this robot (disconnected_event); "+
		"another deployment (staging?) probably uses the same bot_id. Not reconnecting: run `banzu wecom reconnect` or restart banzu",
		"bot_id", p.cfg.AIBot.BotID, "kicks", n, "reconnect_after", p.lc.tune.Takeover.String())
}

// kickedNow reports whether this process must stay down: it was kicked, or
// (with a store) another replica was kicked after this process started and
// nobody asked for a reconnect since.
func (p *Platform) kickedNow(ctx context.Context) bool {
	if p.Kicked() {
		return true
	}
	if ns, ok := p.storedKick(ctx); ok {
		p.lc.kickedAt.Store(ns)
		p.log.Error("wecom long connection stays down: another replica was kicked by a connection elsewhere (disconnected_event); run `banzu wecom reconnect` or restart banzu",
			"bot_id", p.cfg.AIBot.BotID)
		return true
	}
	return false
}

// storedKick is the kick recorded in the store, when there is one younger
// than this process.
func (p *Platform) storedKick(ctx context.Context) (int64, bool) {
	if p.lc.st == nil {
		return 0, false
	}
	v, found, err := p.lc.st.Get(ctx, kickedPrefix+p.cfg.AIBot.BotID)
	if err != nil || !found {
		return 0, false
	}
	ns, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || ns <= p.lc.started.UnixNano() {
		return 0, false
	}
	return ns, true
}

// awaitReconnect waits, after a kick, for Reconnect, for the kick record to
// be cleared in the store (by Reconnect on another replica), or for
// Takeover when it is set. It reports false when ctx ended first.
func (p *Platform) awaitReconnect(ctx context.Context) bool {
	var after <-chan time.Time
	if d := p.lc.tune.Takeover; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		after = t.C
	}
	poll := time.NewTicker(p.lc.tune.LeaseRetry)
	defer poll.Stop()
	reason := ""
	for reason == "" {
		select {
		case <-ctx.Done():
			return false
		case <-p.lc.wake:
			reason = "operator asked"
		case <-after:
			reason = "wecom.aibot.reconnect_after_kick_minutes passed"
		case <-poll.C:
			if p.lc.st != nil {
				if _, found, err := p.lc.st.Get(ctx, kickedPrefix+p.cfg.AIBot.BotID); err == nil && !found {
					reason = "operator asked (on another replica)"
				}
			}
		}
	}
	p.lc.kickedAt.Store(0)
	if p.lc.st != nil {
		if err := p.lc.st.Delete(ctx, kickedPrefix+p.cfg.AIBot.BotID); err != nil {
			p.log.Warn("wecom long connection: cannot clear the kick record", "error", err)
		}
	}
	p.log.Warn("wecom long connection: subscribing again after the kick", "reason", reason, "bot_id", p.cfg.AIBot.BotID)
	return true
}

// session runs one connection: dial, subscribe, heartbeat, read until it
// fails. subscribed reports whether the subscription was accepted.
func (p *Platform) session(ctx context.Context) (subscribed bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, p.lc.tune.DialTimeout)
	c, _, err := websocket.Dial(dctx, p.lc.url, &websocket.DialOptions{HTTPClient: p.hc})
	cancel()
	if err != nil {
		return false, fmt.Errorf("dial: %w", redactURLError(err))
	}
	c.SetReadLimit(maxFrameBytes)
	w := newWSConn(c)

	// The read loop has its own context so that a shutdown can close the
	// connection with a close frame instead of cutting it.
	rctx, rcancel := context.WithCancel(context.WithoutCancel(ctx))
	readErr := make(chan error, 1)
	go func() {
		err := p.readLoop(rctx, w)
		w.markClosed()
		readErr <- err
	}()
	var hb sync.WaitGroup
	defer func() {
		p.lc.cur.CompareAndSwap(w, nil)
		if ctx.Err() != nil {
			closed := make(chan struct{})
			go func() {
				_ = c.Close(websocket.StatusNormalClosure, "")
				close(closed)
			}()
			select {
			case <-closed:
			case <-time.After(time.Second):
			}
		}
		_ = c.CloseNow()
		rcancel()
		<-w.done
		hb.Wait()
	}()

	sctx, scancel := context.WithTimeout(ctx, p.lc.tune.AckTimeout)
	_, err = w.request(sctx, CmdSubscribe, newReqID("sub"), map[string]string{
		"bot_id": p.cfg.AIBot.BotID,
		"secret": p.cfg.AIBot.Secret,
	})
	scancel()
	if err != nil {
		var fe *FrameError
		if errors.As(err, &fe) && fe.ErrCode == codeBadCredentials {
			p.log.Error("wecom long connection: WeCom rejected wecom.aibot.bot_id or secret (errcode 853000)",
				"bot_id", p.cfg.AIBot.BotID)
		}
		select {
		case rerr := <-readErr:
			if errors.Is(rerr, errKicked) {
				return false, rerr
			}
			readErr <- rerr
		default:
		}
		return false, fmt.Errorf("subscribe: %w", err)
	}
	p.lc.cur.Store(w)
	host := ""
	if u, err := url.Parse(p.lc.url); err == nil {
		host = u.Host
	}
	p.log.Info("wecom long connection subscribed", "host", host, "conn", w.id, "bot_id", p.cfg.AIBot.BotID)
	hb.Add(1)
	go func() {
		defer hb.Done()
		p.heartbeat(ctx, w)
	}()
	select {
	case err := <-readErr:
		return true, err
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

// readLoop reads frames until the connection fails: acks go to their
// request, callbacks to Handle. It returns errKicked after a
// disconnected_event.
func (p *Platform) readLoop(ctx context.Context, w *wsConn) error {
	for {
		typ, data, err := w.c.Read(ctx)
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if typ != websocket.MessageText {
			continue
		}
		// WeCom's SDK strips these before parsing: real frames carry raw
		// control characters, which strict JSON refuses.
		data = stripControl(data)
		var f Frame
		if err := json.Unmarshal(data, &f); err != nil {
			n := p.lc.undecodable.Add(1)
			p.log.Error("wecom long connection: undecodable frame skipped (WeCom does not send it again)",
				"req_id", peekReqID(data), "error", err, "bytes", len(data), "undecodable_frames", n)
			continue
		}
		switch f.Cmd {
		case "":
			if !w.deliverAck(f) {
				p.log.Debug("wecom long connection: ack for no waiting request", "req_id", f.Headers.ReqID)
			}
		case CmdMsgCallback, CmdEventCallback:
			if err := p.onCallback(w, f); err != nil {
				return err
			}
		default:
			p.log.Debug("wecom long connection: frame ignored", "command", f.Cmd)
		}
	}
}

// onCallback decodes a message or event with DecodeEvent, the callback
// mode's mapping, and stores it through Handle before the next frame is
// read.
func (p *Platform) onCallback(w *wsConn, f Frame) error {
	received := p.now()
	var peek struct {
		From struct {
			UserID string `json:"userid"`
		} `json:"from"`
		Event *struct {
			EventType string `json:"eventtype"`
			TaskID    string `json:"task_id"`
			Card      *struct {
				TaskID string `json:"task_id"`
			} `json:"template_card_event"`
		} `json:"event"`
	}
	_ = json.Unmarshal(f.Body, &peek)
	if peek.Event != nil && peek.Event.EventType == "enter_chat" && f.Headers.ReqID != "" {
		// A user opened a chat with the robot: greet within 5 s.
		p.welcome(w, f.Headers.ReqID, peek.From.UserID)
		return nil
	}
	if peek.Event != nil && peek.Event.EventType == "disconnected_event" {
		p.log.Warn("wecom long connection: disconnected_event received", "conn", w.id, "req_id", f.Headers.ReqID)
		return errKicked
	}
	ev, ok, err := DecodeEvent(f.Body, received)
	if err != nil {
		p.log.Warn("wecom long connection: callback not decodable", "command", f.Cmd, "req_id", f.Headers.ReqID, "error", err)
		return nil
	}
	if !ok {
		p.log.Debug("wecom long connection: nothing to handle", "command", f.Cmd, "msg_id", ev.MessageID)
		return nil
	}
	// A reply goes back on this connection with the callback's req_id;
	// a click's req_id only takes a card update (see sendScoped), other
	// answers to a click are pushed into the chat (aibot_send_msg).
	ev.Reply = nil
	if f.Headers.ReqID != "" {
		ev.Reply = map[string]string{ReplyReqIDKey: f.Headers.ReqID, ReplyConnKey: w.id}
		if f.Cmd == CmdEventCallback && peek.Event != nil {
			// A click: its req_id takes a card update within 5 s.
			ev.Reply[ReplyKindKey] = "click"
			ev.Reply[ReplyReceivedKey] = received.UTC().Format(time.RFC3339Nano)
			if task := peek.Event.TaskID; task != "" {
				ev.Reply[ReplyTaskKey] = task
			} else if peek.Event.Card != nil && peek.Event.Card.TaskID != "" {
				ev.Reply[ReplyTaskKey] = peek.Event.Card.TaskID
			}
		}
	}
	// The long connection has no redelivery: keep trying a store that is
	// briefly away (a Redis failover) for a few seconds before giving up.
	for wait := 100 * time.Millisecond; ; wait *= 2 {
		actx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := p.accept(actx, ev)
		cancel()
		if err == nil {
			return nil
		}
		if wait > 2*time.Second {
			p.log.Error("wecom long connection: event could not be stored, lost", "msg_id", ev.MessageID, "chat_id", ev.ChatID, "req_id", f.Headers.ReqID, "error", err)
			return nil
		}
		p.log.Warn("wecom long connection: event not stored yet, retrying", "msg_id", ev.MessageID, "retry_in", wait.String(), "error", err)
		time.Sleep(wait)
	}
}

// heartbeat pings every Heartbeat; after two unanswered pings in a row it
// closes the connection, which makes the session end and reconnect.
func (p *Platform) heartbeat(ctx context.Context, w *wsConn) {
	t := time.NewTicker(p.lc.tune.Heartbeat)
	defer t.Stop()
	missed := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.done:
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, p.lc.tune.Heartbeat)
		_, err := w.request(pctx, CmdPing, newReqID("ping"), nil)
		cancel()
		switch {
		case err == nil:
			missed = 0
			continue
		case ctx.Err() != nil || errors.Is(err, errConnClosed):
			return
		}
		missed++
		p.log.Warn("wecom long connection: ping unanswered", "missed", missed, "error", err)
		if missed >= 2 {
			p.log.Warn("wecom long connection: two pings unanswered, reconnecting", "conn", w.id)
			_ = w.c.CloseNow()
			return
		}
	}
}

// stripControl removes the control characters WeCom's SDK removes from
// every frame before JSON.parse: [\x00-\x08\x0B-\x0D\x0E-\x1F] (tab and
// newline stay). It works in place and returns data unchanged when clean.
func stripControl(data []byte) []byte {
	clean := true
	for _, b := range data {
		if isStripped(b) {
			clean = false
			break
		}
	}
	if clean {
		return data
	}
	out := data[:0]
	for _, b := range data {
		if !isStripped(b) {
			out = append(out, b)
		}
	}
	return out
}

func isStripped(b byte) bool { return b < 0x20 && b != '\t' && b != '\n' }

// reqIDPattern finds a req_id in a frame that is not valid JSON.
var reqIDPattern = regexp.MustCompile(`"req_id"\s*:\s*"([^"\\]{1,128})"`)

// peekReqID is the req_id of an undecodable frame, or "" when none shows.
func peekReqID(data []byte) string {
	if m := reqIDPattern.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return ""
}

// UndecodableFrames counts the long connection's frames that were not valid
// JSON even after stripping control characters (each one lost).
func (p *Platform) UndecodableFrames() int64 { return p.lc.undecodable.Load() }

// sleepCtx waits d and reports false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
