package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/banzu-bot/banzu/bot"
)

const (
	pathConnectionsOpen = "/v1.0/gateway/connections/open"
	streamUserAgent     = "banzu-dingtalk/1"
	maxFrameBytes       = 1 << 20
	ackWriteTimeout     = 10 * time.Second
	pingTimeout         = 10 * time.Second
	eventQueueSize      = 64
)

// errDisconnect ends a session when the gateway asks us to reconnect.
var errDisconnect = errors.New("gateway requested disconnect")

// Listen receives messages until ctx ends, then returns nil. In stream mode
// it keeps one websocket to the DingTalk gateway, acknowledges every frame at
// once and reconnects with backoff after errors, drops and disconnect
// requests. In HTTP mode it only sets the handler and waits: events arrive
// through Handler. handle (or Options.Handle when nil) runs on one goroutine,
// in order; it should return quickly.
func (p *Platform) Listen(ctx context.Context, handle func(bot.Event)) error {
	if handle != nil {
		p.sink.Store(&handle)
	}
	if !p.listenMu.TryLock() {
		return errors.New("dingtalk: Listen is already running")
	}
	defer p.listenMu.Unlock()

	if p.cfg.Mode == ModeHTTP {
		<-ctx.Done()
		return nil
	}
	if p.cfg.ClientID == "" || p.cfg.ClientSecret == "" {
		return errors.New("dingtalk: stream mode needs client_id and client_secret")
	}

	events := make(chan bot.Event, eventQueueSize)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ev := range events {
			p.deliver(ev)
		}
	}()
	defer func() {
		close(events)
		wg.Wait()
	}()

	attempt := 0
	for {
		healthy, err := p.session(ctx, events)
		if ctx.Err() != nil {
			p.log.Info("dingtalk stream stopped")
			return nil
		}
		if healthy {
			attempt = 0
		}
		delay := p.backoff.delay(attempt)
		attempt++
		n := p.reconnects.Add(1)
		p.log.Warn("dingtalk stream reconnecting",
			"error", errText(err), "attempt", attempt, "delay_ms", delay.Milliseconds(), "reconnects", n)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			p.log.Info("dingtalk stream stopped")
			return nil
		case <-t.C:
		}
	}
}

// session runs one connection: ask for an endpoint, dial, read until error.
// healthy reports whether the gateway sent at least one frame.
func (p *Platform) session(ctx context.Context, events chan<- bot.Event) (healthy bool, err error) {
	endpoint, ticket, err := p.openConnection(ctx)
	if err != nil {
		return false, err
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return false, fmt.Errorf("gateway endpoint %q: %w", endpoint, err)
	}
	q := u.Query()
	q.Set("ticket", ticket)
	u.RawQuery = q.Encode()

	conn, _, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPClient: p.hc})
	if err != nil {
		return false, fmt.Errorf("dial gateway: %w", err)
	}
	conn.SetReadLimit(maxFrameBytes)
	p.log.Info("dingtalk stream connected", "host", u.Host)

	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		_ = conn.CloseNow()
		wg.Wait()
	}()
	if p.pingInt > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.keepAlive(sctx, conn)
		}()
	}

	for {
		typ, data, err := conn.Read(sctx)
		if err != nil {
			return healthy, fmt.Errorf("read: %w", err)
		}
		if typ != websocket.MessageText {
			continue
		}
		healthy = true
		if err := p.handleFrame(sctx, conn, data, events); err != nil {
			return healthy, err
		}
	}
}

// handleFrame acknowledges one frame and, for a robot message, queues its
// event. Only the reading goroutine calls it, so writes never overlap.
func (p *Platform) handleFrame(ctx context.Context, conn *websocket.Conn, data []byte, events chan<- bot.Event) error {
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		p.log.Warn("dingtalk stream frame undecodable, skipped", "error", err.Error(), "bytes", len(data))
		return nil
	}
	a, err := json.Marshal(ackFor(f))
	if err != nil {
		return fmt.Errorf("encode ack: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, ackWriteTimeout)
	err = conn.Write(wctx, websocket.MessageText, a)
	cancel()
	if err != nil {
		return fmt.Errorf("write ack: %w", err)
	}

	topic := f.Headers[headerTopic]
	switch {
	case f.Type == frameSystem && topic == topicDisconnect:
		return errDisconnect
	case f.Type == frameCallback && topic == TopicBotMessage:
		ev, ok, err := p.parseMessage([]byte(f.Data))
		if err != nil {
			p.log.Warn("dingtalk stream message rejected", "error", err.Error(), "frame_id", f.Headers[headerMessageID])
			return nil
		}
		if !ok {
			return nil
		}
		select {
		case events <- ev:
		case <-ctx.Done():
			p.log.Warn("dingtalk event dropped at shutdown", "message_id", ev.MessageID)
		}
	case f.Type == frameCallback && topic == TopicCardCallback:
		ev, ok, err := p.parseCardCallback([]byte(f.Data), f.Headers[headerMessageID])
		if err != nil || !ok {
			p.log.Warn("dingtalk card callback not handled", "error", errText(err), "frame_id", f.Headers[headerMessageID])
			return nil
		}
		select {
		case events <- ev:
		case <-ctx.Done():
			p.log.Warn("dingtalk event dropped at shutdown", "message_id", ev.MessageID)
		}
	case f.Type != frameSystem || topic != topicPing:
		p.log.Debug("dingtalk stream frame ignored", "type", f.Type, "topic", topic)
	}
	return nil
}

// keepAlive pings the gateway at the websocket level; a missing pong closes
// the connection so the read loop ends and Listen reconnects.
func (p *Platform) keepAlive(ctx context.Context, conn *websocket.Conn) {
	t := time.NewTicker(p.pingInt)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, min(pingTimeout, p.pingInt))
		err := conn.Ping(pctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				p.log.Warn("dingtalk stream ping failed, closing", "error", err.Error())
			}
			_ = conn.CloseNow()
			return
		}
	}
}

// openConnection asks the gateway for a websocket endpoint and a one-use ticket.
func (p *Platform) openConnection(ctx context.Context) (endpoint, ticket string, err error) {
	subs := []map[string]string{{"type": frameCallback, "topic": TopicBotMessage}}
	if p.cfg.CardTemplateID != "" {
		subs = append(subs, map[string]string{"type": frameCallback, "topic": TopicCardCallback})
	}
	reqBody, err := json.Marshal(map[string]any{
		"clientId":      p.cfg.ClientID,
		"clientSecret":  p.cfg.ClientSecret,
		"subscriptions": subs,
		"ua":            streamUserAgent,
	})
	if err != nil {
		return "", "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.APIBase+pathConnectionsOpen, bytes.NewReader(reqBody))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := p.hc.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("open connection: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return "", "", fmt.Errorf("open connection: read: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("open connection: HTTP %d: %s", resp.StatusCode, snippet(body))
	}
	var out struct {
		Endpoint string `json:"endpoint"`
		Ticket   string `json:"ticket"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", "", fmt.Errorf("open connection: decode: %w", err)
	}
	if out.Endpoint == "" || out.Ticket == "" {
		return "", "", fmt.Errorf("open connection: no endpoint or ticket: %s", snippet(body))
	}
	return out.Endpoint, out.Ticket, nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
