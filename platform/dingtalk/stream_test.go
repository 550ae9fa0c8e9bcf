package dingtalk

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// streamHarness runs Listen against a fake gateway.
type streamHarness struct {
	g      *fakeGateway
	p      *Platform
	sink   *eventSink
	hc     *http.Client
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

func startStream(t *testing.T, pingInterval time.Duration, setup func(g *fakeGateway)) *streamHarness {
	t.Helper()
	g := newFakeGateway(t)
	if setup != nil {
		setup(g)
	}
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	sink := newEventSink()
	p, err := New(testConfig(g.srv.URL), nil, Options{
		Logger:       quietLogger(),
		HTTPClient:   hc,
		Backoff:      Backoff{Initial: 2 * time.Millisecond, Max: 20 * time.Millisecond},
		PingInterval: pingInterval,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &streamHarness{g: g, p: p, sink: sink, hc: hc, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- p.Listen(ctx, sink.handle) }()
	t.Cleanup(h.stop)
	return h
}

// stop cancels Listen, waits for it and shuts the fakes down.
func (h *streamHarness) stop() { h.once.Do(h.shutdown) }

func (h *streamHarness) shutdown() {
	h.cancel()
	select {
	case <-h.done:
	case <-time.After(5 * time.Second):
		panic("Listen did not return after cancel")
	}
	close(h.g.stopped)
	h.g.srv.CloseClientConnections()
	h.g.srv.Close()
	h.hc.CloseIdleConnections()
}

func TestStreamDeliversAndAcks(t *testing.T) {
	h := startStream(t, -1, nil)
	gc := h.g.next(t)

	body := h.g.lastOpenBody()
	if body["clientId"] != "ding-client" || body["clientSecret"] != "client-secret-for-test" {
		t.Fatalf("open body credentials: %v", body)
	}
	subs, _ := body["subscriptions"].([]any)
	if len(subs) != 1 || subs[0].(map[string]any)["type"] != "CALLBACK" || subs[0].(map[string]any)["topic"] != TopicBotMessage {
		t.Fatalf("subscriptions: %v", body["subscriptions"])
	}

	gc.send(t, "CALLBACK", TopicBotMessage, "frame-1", string(messageBody(t, nil)))
	a := gc.ack(t)
	if a.Code != 200 || a.Headers["messageId"] != "frame-1" || a.Headers["contentType"] != "application/json" || a.Data != callbackAckData {
		t.Fatalf("ack = %+v", a)
	}
	ev := h.sink.next(t)
	if ev.MessageID != "msgABC123" || ev.Text != "今日 KPI" || ev.ChatID != "cidGroupA==" || ev.ChatType != bot.ChatGroup ||
		ev.SenderID != "staff-1" || ev.Reply[ReplySessionWebhook] == "" {
		t.Fatalf("event = %+v", ev)
	}
	h.sink.none(t, 30*time.Millisecond) // exactly one

	// ping: answered with its data echoed.
	gc.send(t, "SYSTEM", "ping", "ping-1", `{"opaque":"abc-123"}`)
	if a := gc.ack(t); a.Code != 200 || a.Headers["messageId"] != "ping-1" || a.Data != `{"opaque":"abc-123"}` {
		t.Fatalf("pong = %+v", a)
	}

	// Frames that are not robot messages are acknowledged and produce nothing.
	gc.send(t, "EVENT", "chat_update_title", "ev-1", `{}`)
	if a := gc.ack(t); a.Headers["messageId"] != "ev-1" || a.Code != 200 {
		t.Fatalf("event ack = %+v", a)
	}
	gc.send(t, "CALLBACK", TopicBotMessage, "bad-1", `not json`)
	if a := gc.ack(t); a.Headers["messageId"] != "bad-1" {
		t.Fatalf("bad callback ack = %+v", a)
	}
	h.sink.none(t, 30*time.Millisecond)
	if n := h.p.Reconnects(); n != 0 {
		t.Fatalf("reconnects = %d, want 0", n)
	}
}

func TestStreamReconnectsAfterAbruptDrop(t *testing.T) {
	h := startStream(t, -1, nil)
	gc := h.g.next(t)
	gc.send(t, "CALLBACK", TopicBotMessage, "f1", string(messageBody(t, nil)))
	gc.ack(t)
	h.sink.next(t)

	h.g.dropAll() // TCP closed under the websocket, no close frame

	gc2 := h.g.next(t)
	if n := h.g.openCount(); n != 2 {
		t.Fatalf("open-connection requests = %d, want 2 (a new ticket)", n)
	}
	gc2.send(t, "CALLBACK", TopicBotMessage, "f2", string(messageBody(t, func(m map[string]any) { m["msgId"] = "msg-after-drop" })))
	if a := gc2.ack(t); a.Headers["messageId"] != "f2" {
		t.Fatalf("ack = %+v", a)
	}
	if ev := h.sink.next(t); ev.MessageID != "msg-after-drop" {
		t.Fatalf("event after reconnect = %+v", ev)
	}
	if n := h.p.Reconnects(); n != 1 {
		t.Fatalf("reconnects = %d, want 1", n)
	}
}

func TestStreamReconnectsOnDisconnectFrame(t *testing.T) {
	h := startStream(t, -1, nil)
	gc := h.g.next(t)
	gc.send(t, "SYSTEM", "disconnect", "d1", `{"reason":"server upgrade"}`)
	if a := gc.ack(t); a.Headers["messageId"] != "d1" {
		t.Fatalf("ack = %+v", a)
	}
	gc.closed(t) // the client hangs up itself, without waiting for the server

	gc2 := h.g.next(t)
	gc2.send(t, "CALLBACK", TopicBotMessage, "f2", string(messageBody(t, nil)))
	gc2.ack(t)
	h.sink.next(t)
	if n := h.p.Reconnects(); n != 1 {
		t.Fatalf("reconnects = %d, want 1", n)
	}
}

func TestStreamBacksOffWhenGatewayRefuses(t *testing.T) {
	h := startStream(t, -1, func(g *fakeGateway) {
		g.badOpen = []error{errors.New("busy"), errors.New("busy"), errors.New("busy")}
	})
	gc := h.g.next(t)
	if n := h.g.openCount(); n != 4 {
		t.Fatalf("open requests = %d, want 4", n)
	}
	if n := h.p.Reconnects(); n != 3 {
		t.Fatalf("reconnects = %d, want 3", n)
	}
	gc.send(t, "CALLBACK", TopicBotMessage, "f1", string(messageBody(t, nil)))
	gc.ack(t)
	h.sink.next(t)
}

// A gateway that stops answering is noticed by the websocket ping.
func TestStreamPingDetectsDeadConnection(t *testing.T) {
	h := startStream(t, 20*time.Millisecond, func(g *fakeGateway) { g.silent = true })
	h.g.next(t)
	h.g.next(t) // reconnected: the unanswered ping closed the first one
	if h.p.Reconnects() < 1 {
		t.Fatal("no reconnect counted")
	}
}

func TestStreamCancelLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	h := startStream(t, 10*time.Millisecond, nil)
	gc := h.g.next(t)
	gc.send(t, "CALLBACK", TopicBotMessage, "f1", string(messageBody(t, nil)))
	gc.ack(t)
	h.sink.next(t)
	h.g.dropAll()
	h.g.next(t)

	start := time.Now()
	h.stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Listen took %v to return", d)
	}
	var after int
	for i := 0; i < 100; i++ {
		after = runtime.NumGoroutine()
		if after <= before+1 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	n := runtime.Stack(buf, true)
	t.Fatalf("goroutines: %d before, %d after\n%s", before, after, buf[:n])
}

func TestListenHTTPModeWaits(t *testing.T) {
	cfg := testConfig("https://api.dingtalk.com")
	cfg.Mode = ModeHTTP
	p, err := New(cfg, nil, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Listen(ctx, func(context.Context, bot.Event) error { return nil }); err != nil {
		t.Fatalf("Listen = %v", err)
	}
}

func TestListenNeedsCredentials(t *testing.T) {
	p, err := New(testConfig("https://api.dingtalk.com"), nil, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	p.cfg.ClientSecret = ""
	if err := p.Listen(context.Background(), nil); err == nil {
		t.Fatal("Listen without a secret returned nil")
	}
}
