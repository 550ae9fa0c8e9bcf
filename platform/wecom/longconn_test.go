package wecom

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
	"github.com/banzu-bot/banzu/store"
)

const (
	lcBot    = "aib-test"
	lcSecret = "sec-test"
	lcWait   = 3 * time.Second
)

// fastTuning keeps every long-connection wait in milliseconds.
func fastTuning() LongConnTuning {
	return LongConnTuning{
		Heartbeat: time.Hour, BackoffInitial: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond,
		Takeover: time.Hour, LeaseTTL: 300 * time.Millisecond, LeaseRetry: 10 * time.Millisecond,
		RetryAfter: 10 * time.Millisecond, AckTimeout: 5 * time.Second, DialTimeout: 5 * time.Second,
	}
}

// lcClient is one adapter in long-connection mode, listening until the test
// ends (or stop is called).
type lcClient struct {
	p    *Platform
	sink *sink
	stop func()
}

func startLongConn(t *testing.T, srv *wecomtest.Server, secret string, st store.Store, tune LongConnTuning, teams ...config.Team) *lcClient {
	t.Helper()
	s := newSink()
	cfg := config.WeCom{AIBot: config.WeComAIBot{BotID: lcBot, Secret: secret, WSURL: srv.URL()}}
	p, err := New(cfg, teams, Options{Logger: quietLog, Handle: s.handle, Leases: leasesOf(st), LongConn: tune})
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode() != ModeLongConn {
		t.Fatalf("mode %q with bot_id and secret, want longconn", p.Mode())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Listen(ctx, nil) }()
	c := &lcClient{p: p, sink: s}
	stopped := false
	c.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Listen: %v", err)
		}
		p.Close()
	}
	t.Cleanup(c.stop)
	return c
}

func waitTrue(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(lcWait); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func lcReplyDest(ev bot.Event) bot.Destination {
	return bot.Destination{Platform: "wecom", ChatID: ev.ChatID, Reply: ev.Reply}
}

func TestLongConnSubscribeReplyReconnect(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	c := startLongConn(t, srv, lcSecret, nil, fastTuning())
	srv.Wait(lcWait, "subscription", func(s wecomtest.Snapshot) bool { return s.Online })
	waitTrue(t, "client connected", c.p.Connected)
	sub := srv.State().Of("aibot_subscribe")
	if len(sub) != 1 || sub[0].Str("bot_id") != lcBot || sub[0].Str("secret") != lcSecret {
		t.Fatalf("subscribe frames: %+v", sub)
	}

	// A message in: decoded like a callback, with the req_id to reply with.
	reqID := srv.SendText(wecomtest.Message{MsgID: "m1", ChatID: "wrkA", UserID: "u1", Text: "/help"})
	ev := c.sink.wait(t, 1)[0]
	if ev.Text != "/help" || ev.MessageID != "m1" || ev.ChatID != "wrkA" || ev.ChatType != bot.ChatGroup || ev.SenderID != "u1" || !ev.Mentioned ||
		ev.Reply[ReplyReqIDKey] != reqID || ev.Reply[ReplyConnKey] == "" {
		t.Fatalf("event: %+v", ev)
	}
	// The reply goes back on the connection with the callback's req_id.
	if err := c.p.Send(context.Background(), lcReplyDest(ev), bot.Message{Markdown: "**帮助**\n/whoami <@x>"}); err != nil {
		t.Fatal(err)
	}
	resp := srv.State().Of("aibot_respond_msg")
	if len(resp) != 1 || resp[0].ReqID != reqID || resp[0].Str("msgtype") != "stream" ||
		resp[0].Str("stream", "content") != "**帮助**\n/whoami <@x>" || resp[0].Body["stream"].(map[string]any)["finish"] != true {
		t.Fatalf("reply frames: %+v", resp)
	}

	// The server drops the connection: the client reconnects, counts it and
	// handles the next message.
	srv.DropAll()
	srv.Wait(lcWait, "second subscription", func(s wecomtest.Snapshot) bool { return s.Subscribed == 2 && s.Online })
	waitTrue(t, "client reconnected", c.p.Connected)
	if n := c.p.Reconnects(); n != 1 {
		t.Errorf("Reconnects() = %d, want 1", n)
	}
	srv.SendText(wecomtest.Message{MsgID: "m2", ChatID: "wrkA", UserID: "u1", Text: "/whoami"})
	if all := c.sink.wait(t, 1); all[len(all)-1].MessageID != "m2" {
		t.Fatalf("events after reconnect: %+v", all)
	} else if ev2 := all[len(all)-1]; ev2.MessageID != "m2" || ev2.Text != "/whoami" {
		t.Fatalf("event after reconnect: %+v", ev2)
	}
	// A late reply to the first message: its req_id belonged to the old
	// connection, so it is pushed into the chat instead.
	if err := c.p.Send(context.Background(), lcReplyDest(ev), bot.Message{Text: "迟到的回复"}); err != nil {
		t.Fatal(err)
	}
	st := srv.State()
	if len(st.Of("aibot_respond_msg")) != 1 {
		t.Errorf("a stale req_id was used: %+v", st.Of("aibot_respond_msg"))
	}
	push := st.Of("aibot_send_msg")
	if len(push) != 1 || push[0].Str("chatid") != "wrkA" || push[0].Str("markdown", "content") != "迟到的回复" || push[0].Conn != 2 {
		t.Fatalf("push frames: %+v", push)
	}
	if st.MaxConcurrent != 1 || st.Kicks != 0 {
		t.Errorf("max concurrent %d, kicks %d", st.MaxConcurrent, st.Kicks)
	}
}

func TestLongConnControlCharactersAndOneReply(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	c := startLongConn(t, srv, lcSecret, nil, fastTuning())
	waitTrue(t, "client connected", c.p.Connected)

	// A frame carrying raw control characters (inside the text and before
	// the JSON) is cleaned as WeCom's SDK does, not skipped.
	reqID := srv.SendText(wecomtest.Message{MsgID: "m1", ChatID: "wrkA", UserID: "u1", Text: "/help", Control: true})
	ev := c.sink.wait(t, 1)[0]
	if ev.Text != "/help" || ev.MessageID != "m1" || ev.Reply[ReplyReqIDKey] != reqID {
		t.Fatalf("event from a frame with \\x01: %+v", ev)
	}
	// A frame that still is not JSON is counted (and logged with its req_id).
	srv.SendRaw([]byte(`{"cmd":"aibot_msg_callback","headers":{"req_id":"cb-broken"},"body":{"msgid":`))
	waitTrue(t, "undecodable frame counted", func() bool { return c.p.UndecodableFrames() == 1 })
	if got := peekReqID([]byte(`{"cmd":"x","headers":{"req_id":"cb-broken"},"body":{`)); got != "cb-broken" {
		t.Errorf("peekReqID = %q", got)
	}

	// One reply per req_id: the first message for the event answers the
	// callback, every later one (a caption, then a file) is pushed, in order.
	dest := lcReplyDest(ev)
	if err := c.p.Send(context.Background(), dest, bot.Message{Text: "第一条"}); err != nil {
		t.Fatal(err)
	}
	if err := c.p.Send(context.Background(), dest, bot.Message{Markdown: "**报表**", File: &bot.File{Name: "r.xlsx", Data: []byte("xlsx")}}); err != nil {
		t.Fatal(err)
	}
	st := srv.State()
	if resp := st.Of("aibot_respond_msg"); len(resp) != 1 || resp[0].ReqID != reqID || resp[0].Str("stream", "content") != "第一条" {
		t.Fatalf("replies on the req_id: %+v", resp)
	}
	push := st.Of("aibot_send_msg")
	if len(push) != 2 || push[0].Str("markdown", "content") != "**报表**" || push[1].Str("msgtype") != "file" {
		t.Fatalf("pushes (caption, then file): %+v", push)
	}
	var order []string
	for _, r := range st.Requests {
		switch r.Cmd {
		case "aibot_send_msg", "aibot_upload_media_init":
			order = append(order, r.Cmd+":"+r.Str("msgtype"))
		}
	}
	if strings.Join(order, ",") != "aibot_send_msg:markdown,aibot_upload_media_init:,aibot_send_msg:file" {
		t.Errorf("order: %v", order)
	}
}

func TestLongConnBadSecret(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	c := startLongConn(t, srv, "wrong", nil, fastTuning())
	srv.Wait(lcWait, "two refused subscriptions", func(s wecomtest.Snapshot) bool { return s.Rejected >= 2 })
	if c.p.Connected() || srv.State().Subscribed != 0 {
		t.Fatal("connected with a wrong secret")
	}
	waitTrue(t, "reconnects counted", func() bool { return c.p.Reconnects() >= 1 })
	err := c.p.Send(context.Background(), bot.Destination{Platform: "wecom", ChatID: "wrkA"}, bot.Message{Text: "x"})
	var re *bot.RetryError
	if !errors.As(err, &re) || !errors.Is(err, errNotConnected) {
		t.Fatalf("Send without a connection: %v, want a RetryError", err)
	}
}

func TestLongConnHeartbeat(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	tune := fastTuning()
	tune.Heartbeat = 15 * time.Millisecond
	c := startLongConn(t, srv, lcSecret, nil, tune)
	srv.Wait(lcWait, "pings", func(s wecomtest.Snapshot) bool { return len(s.Of("ping")) >= 2 })
	if c.p.Reconnects() != 0 {
		t.Fatalf("reconnected while pings were answered")
	}
	srv.IgnorePings(true)
	srv.Wait(lcWait, "a reconnect after unanswered pings", func(s wecomtest.Snapshot) bool { return s.Subscribed >= 2 })
	srv.IgnorePings(false)
	waitTrue(t, "reconnect counted", func() bool { return c.p.Reconnects() >= 1 })
}
