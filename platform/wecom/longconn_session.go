package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/coder/websocket"
)

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
