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
	// acceptTimeout bounds storing one event before its frame is acked.
	acceptTimeout = 5 * time.Second
	// ackRetryCode acks a frame that could not be stored: the SDKs' "system
	// exception" status, after which the gateway redelivers (unconfirmed).
	ackRetryCode = 500
)

// errDisconnect ends a session when the gateway asks us to reconnect.
var errDisconnect = errors.New("gateway requested disconnect")

// Listen receives messages until ctx ends, then returns nil. In stream mode
// it keeps one websocket to the DingTalk gateway, acknowledges every frame at
// once and reconnects with backoff after errors, drops and disconnect
// requests. In HTTP mode it only sets the handler and waits: events arrive
// through Handler. handle (or Options.Handle when nil) runs on one goroutine,
// in order; it should return quickly.
func (p *Platform) Listen(ctx context.Context, handle bot.Accept) error {
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

	attempt := 0
	for {
		healthy, err := p.session(ctx)
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
func (p *Platform) session(ctx context.Context) (healthy bool, err error) {
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
		if err := p.handleFrame(sctx, conn, data); err != nil {
			return healthy, err
		}
	}
}

// handleFrame acknowledges one frame. A robot message is stored through the
// sink first and acknowledged only once stored; when it cannot be stored the
// ack carries an error code, so the gateway sends it again. Only the reading
// goroutine calls it, so writes never overlap.
func (p *Platform) handleFrame(ctx context.Context, conn *websocket.Conn, data []byte) error {
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		p.log.Warn("dingtalk stream frame undecodable, skipped", "error", err.Error(), "bytes", len(data))
		return nil
	}
	a := ackFor(f)
	topic := f.Headers[headerTopic]
	if f.Type == frameCallback && (topic == TopicBotMessage || topic == TopicCardCallback) {
		var ev bot.Event
		var ok bool
		var err error
		if topic == TopicBotMessage {
			ev, ok, err = p.parseMessage([]byte(f.Data))
		} else {
			ev, ok, err = p.parseCardCallback([]byte(f.Data), f.Headers[headerMessageID])
		}
		switch {
		case err != nil:
			p.log.Warn("dingtalk stream callback rejected", "topic", topic, "error", err.Error(), "frame_id", f.Headers[headerMessageID])
		case ok:
			actx, cancel := context.WithTimeout(ctx, acceptTimeout)
			err := p.accept(actx, ev)
			cancel()
			if err != nil {
				p.log.Warn("dingtalk stream: event not stored, asking for redelivery", "msg_id", ev.MessageID, "error", err)
				a.Code, a.Message, a.Data = ackRetryCode, "store unavailable, send again", ""
			}
		}
	}
	ab, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode ack: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, ackWriteTimeout)
	err = conn.Write(wctx, websocket.MessageText, ab)
	cancel()
	if err != nil {
		return fmt.Errorf("write ack: %w", err)
	}
	switch {
	case f.Type == frameSystem && topic == topicDisconnect:
		return errDisconnect
	case f.Type == frameCallback && topic == TopicBotMessage:
	case f.Type == frameCallback && topic == TopicCardCallback:
	case f.Type != frameSystem || topic != topicPing:
		p.log.Debug("dingtalk stream frame ignored", "type", f.Type, "topic", topic)
	}
	return nil
}

// keepAlive pings the gateway at the websocket level; a missing pong closes
// the connection so the read loop ends and Listen reconnects.
func (p *Platform) keepAlive(ctx context.Context, conn *websocket.Conn) {
	bot.Every(ctx, p.pingInt, func() bool {
		pctx, cancel := context.WithTimeout(ctx, min(pingTimeout, p.pingInt))
		err := conn.Ping(pctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				p.log.Warn("dingtalk stream ping failed, closing", "error", err.Error())
			}
			_ = conn.CloseNow()
			return false
		}
		return true
	})
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
