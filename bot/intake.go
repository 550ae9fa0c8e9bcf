package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// Dispatch accepts one event: it stores the event in the durable inbox,
// de-duplicated by platform message id in the same write. A nil error means
// the event is safe and the platform may be told so (answered 200, acked); an
// error means it was not stored and the platform must be asked to send it
// again. Dispatch never waits for a handler.
//
// Dispatch keeps storing events after Stop: they wait in the inbox for the
// next start (or another replica) rather than being refused.
func (b *Bot) Dispatch(ctx context.Context, ev Event) error {
	payload, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	added, err := b.inbox.Add(ctx, eventKey(ev), payload, b.opts.DedupTTL)
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	if !added {
		b.log.Debug("duplicate message dropped", "platform", ev.Platform, "msg_id", ev.MessageID)
		return nil
	}
	if h := b.opts.Hooks.Received; h != nil {
		h(ev.Platform)
	}
	return nil
}

// eventKey is an event's de-duplication key, and the stem of the keys of
// the messages its handling sends.
func eventKey(ev Event) string {
	if ev.MessageID == "" {
		return ""
	}
	return "msg:" + ev.Platform + ":" + ev.MessageID
}

// Start launches the workers. They run until Stop.
func (b *Bot) Start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started || b.closed {
		return
	}
	b.started = true
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	work := make(chan store.InboxItem)
	slots := make(chan struct{}, b.opts.Workers)
	for range b.opts.Workers {
		slots <- struct{}{}
	}
	for range b.opts.Workers {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			for it := range work {
				// Handle it, then whatever of its lane (chat and sender)
				// waited behind it, in order.
				for lane, more := laneOf(it), true; more; it, more = b.lanes.next(lane) {
					b.process(it)
					b.mu.Lock()
					delete(b.inflight, it.ID)
					b.mu.Unlock()
				}
				slots <- struct{}{}
			}
		}()
	}
	b.wg.Add(2)
	go func() {
		defer b.wg.Done()
		defer close(work)
		b.feed(ctx, work, slots)
	}()
	go func() {
		defer b.wg.Done()
		b.keepAlive(ctx)
	}()
}

// Stop stops taking events from the inbox and waits for those in flight to
// finish. Events not taken yet stay in the inbox for the next start (or
// another replica).
func (b *Bot) Stop() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	cancel := b.cancel
	b.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	b.wg.Wait()
}

// feed takes events from the inbox as workers free up and hands them out.
func (b *Bot) feed(ctx context.Context, work chan<- store.InboxItem, slots chan struct{}) {
	failures := 0
	for {
		// Wait for one free worker, then take as many events as are free.
		select {
		case <-ctx.Done():
			return
		case <-slots:
		}
		free := 1
	more:
		for {
			select {
			case <-slots:
				free++
			default:
				break more
			}
		}
		items, err := b.inbox.Take(ctx, b.opts.Consumer, free, b.opts.Takeover, time.Second)
		if err != nil {
			for range free {
				slots <- struct{}{}
			}
			if ctx.Err() != nil {
				return
			}
			failures++
			if failures == 1 || failures%30 == 0 {
				b.log.Error("inbox: cannot take events", "error", err, "failures", failures)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(min(time.Duration(failures)*100*time.Millisecond, 2*time.Second)):
			}
			continue
		}
		failures = 0
		for range free - len(items) {
			slots <- struct{}{}
		}
		for _, it := range items {
			b.mu.Lock()
			b.inflight[it.ID] = struct{}{}
			b.mu.Unlock()
			if !b.lanes.admit(laneOf(it), it) {
				// It waits behind its lane's item in flight, whose worker
				// takes it next: its slot is free meanwhile.
				slots <- struct{}{}
				continue
			}
			work <- it // a slot is reserved for it: never blocks for long
		}
	}
}

// keepAlive tells the inbox that the events in flight here are still being
// worked on, so that no other worker takes them over while a long handler
// (a workbook, an import) runs.
func (b *Bot) keepAlive(ctx context.Context) {
	Every(ctx, b.opts.Takeover/3, func() bool {
		b.mu.Lock()
		ids := slices.Collect(maps.Keys(b.inflight))
		b.mu.Unlock()
		if len(ids) == 0 {
			return true
		}
		tctx, cancel := context.WithTimeout(context.Background(), b.opts.Takeover/3)
		if err := b.inbox.Touch(tctx, b.opts.Consumer, ids...); err != nil {
			b.log.Warn("inbox: cannot renew events in flight", "error", err, "events", len(ids))
		}
		cancel()
		return true
	})
}

// process handles one inbox item and settles it: Done when handled, Retry
// after a panic or failure, Bury when attempts are used up.
func (b *Bot) process(it store.InboxItem) {
	var ev Event
	if err := json.Unmarshal(it.Payload, &ev); err != nil {
		b.bury(it, Event{}, "undecodable event: "+err.Error())
		return
	}
	if it.Attempts >= b.opts.MaxAttempts {
		b.bury(it, ev, fmt.Sprintf("gave up after %d attempts", it.Attempts))
		return
	}
	failure := b.handle(ev)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch {
	case failure == "":
		if err := b.inbox.Done(ctx, it.ID); err != nil {
			// It will be handled again after the takeover delay; handling is
			// idempotent, so the user sees one answer.
			b.log.Warn("inbox: handled event not removed", "inbox_id", it.ID, "msg_id", ev.MessageID, "error", err)
		}
	case it.Attempts+1 >= b.opts.MaxAttempts:
		b.bury(it, ev, failure)
	default:
		b.log.Warn("event will be tried again", "platform", ev.Platform, "msg_id", ev.MessageID, "attempt", it.Attempts+1, "reason", failure)
		if err := b.inbox.Retry(ctx, it.ID, failure); err != nil {
			b.log.Warn("inbox: retry not recorded", "inbox_id", it.ID, "error", err)
		}
	}
}

// bury moves an event to the dead-letter ledger and tells the sender, once.
func (b *Bot) bury(it store.InboxItem, ev Event, reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b.log.Error("event given up, kept in the dead-letter ledger", "platform", ev.Platform, "msg_id", ev.MessageID, "inbox_id", it.ID, "attempts", it.Attempts+1, "reason", reason)
	if err := b.inbox.Bury(ctx, it.ID, reason); err != nil {
		b.log.Error("inbox: cannot bury event", "inbox_id", it.ID, "error", err)
		return
	}
	if h := b.opts.Hooks.Dead; h != nil {
		h(ev.Platform)
	}
	if ev.ChatID != "" || ev.SenderID != "" {
		req := b.newRequest(ctx, ev)
		text := fmt.Sprintf("抱歉，处理这条消息时出错了（试了 %d 次），已记录下来，管理员会查看。请稍后再试。", it.Attempts+1)
		if strings.HasPrefix(reason, reasonTimeout) {
			text = fmt.Sprintf("抱歉，处理超时了（试了 %d 次），已记录下来，请稍后再试。", it.Attempts+1)
		}
		_ = req.ReplyText(withSendKeys(ctx, eventKey(ev)+":dead"), text)
	}
}

// handle runs one event. It returns "" when the event was handled (answered,
// refused, or a user error explained) and the reason when it failed (a panic,
// an error, a timeout) and may be tried again.
func (b *Bot) handle(ev Event) (failure string) {
	ctx, cancel := context.WithTimeout(context.Background(), b.opts.HandlerTimeout)
	defer cancel()
	ctx = withSendKeys(ctx, eventKey(ev))
	req := b.newRequest(ctx, ev)
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("handler panic", "platform", ev.Platform, "msg_id", ev.MessageID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			failure = "panic: " + fmt.Sprint(p)
		}
	}()
	return b.route(ctx, req)
}

// sendKeys numbers the messages one event's handling sends, so that the same
// handling run again after a crash produces the same keys and the outbox
// drops what it already queued.
type sendKeys struct {
	stem    string
	n       atomic.Int64
	content bool // keyed by what is sent rather than by its number (WithContentKeys)
}

type sendKeysCtx struct{}

func withSendKeys(ctx context.Context, stem string) context.Context {
	if stem == "" {
		return ctx
	}
	return context.WithValue(ctx, sendKeysCtx{}, &sendKeys{stem: stem})
}

// nextSendKey is the idempotency key of the next message sent while handling
// the event in ctx, or "" outside event handling.
func nextSendKey(ctx context.Context, payload []byte) string {
	k, _ := ctx.Value(sendKeysCtx{}).(*sendKeys)
	if k == nil {
		return ""
	}
	if k.content {
		return contentKey(k.stem, payload)
	}
	return fmt.Sprintf("%s:%d", k.stem, k.n.Add(1))
}
