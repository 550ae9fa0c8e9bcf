package wecom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
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

func TestLongConnDisconnectedEventNoWar(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	tune := fastTuning()
	tune.Takeover = 0 // the default: stay down until asked
	a := startLongConn(t, srv, lcSecret, nil, tune)
	srv.Wait(lcWait, "first client", func(s wecomtest.Snapshot) bool { return s.Online })
	waitTrue(t, "a connected", a.p.Connected)
	// Another deployment of the same robot subscribes: WeCom kicks a.
	b := startLongConn(t, srv, lcSecret, nil, tune)
	srv.Wait(lcWait, "the kick", func(s wecomtest.Snapshot) bool { return s.Kicks == 1 })
	waitTrue(t, "a reports the kick", a.p.Kicked)
	waitTrue(t, "b connected", b.p.Connected)
	if a.p.Connected() || a.p.Kicks() != 1 || b.p.Kicked() {
		t.Fatalf("a connected %v, a kicks %d, b kicked %v", a.p.Connected(), a.p.Kicks(), b.p.Kicked())
	}
	// a stays down instead of kicking b back.
	time.Sleep(100 * time.Millisecond)
	if st := srv.State(); st.Kicks != 1 || st.Subscribed != 2 || a.p.Connected() || !a.p.Kicked() {
		t.Fatalf("reconnect war: kicks %d, subscriptions %d, a connected %v", st.Kicks, st.Subscribed, a.p.Connected())
	}
	// The operator moves the robot back to a: b is kicked in turn.
	was, err := a.p.Reconnect(context.Background())
	if err != nil || !was {
		t.Fatalf("Reconnect: %v %v", was, err)
	}
	srv.Wait(lcWait, "a subscribed again", func(s wecomtest.Snapshot) bool { return s.Subscribed == 3 && s.Kicks == 2 })
	waitTrue(t, "b reports the kick", b.p.Kicked)
	waitTrue(t, "a connected again", a.p.Connected)
	if a.p.Kicked() {
		t.Error("a still reports the kick")
	}
}

func TestLongConnKickDelayAndReplicas(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	// With a configured delay the kicked side subscribes again on its own.
	tune := fastTuning()
	tune.Takeover = 30 * time.Millisecond
	a := startLongConn(t, srv, lcSecret, nil, tune)
	waitTrue(t, "a connected", a.p.Connected)
	b := startLongConn(t, srv, lcSecret, nil, fastTuning()) // b: an hour
	srv.Wait(lcWait, "the kick", func(s wecomtest.Snapshot) bool { return s.Kicks >= 1 })
	srv.Wait(lcWait, "a back after the delay, b kicked", func(s wecomtest.Snapshot) bool { return s.Kicks >= 2 })
	waitTrue(t, "b reports the kick", b.p.Kicked)
	waitTrue(t, "a connected", a.p.Connected)
	b.stop()
	a.stop()

	// Replicas sharing a store: the kick is recorded there, a replica
	// (started before it) that takes the lease stays down too, and
	// Reconnect on any replica brings the holder back. A replica started
	// after the kick connects: a restart is an operator's decision.
	srv2 := wecomtest.New(t, lcBot, lcSecret)
	st := openStore(t)
	r1 := startLongConn(t, srv2, lcSecret, st, fastTuning())
	waitTrue(t, "r1 connected", r1.p.Connected)
	r2 := startLongConn(t, srv2, lcSecret, st, fastTuning())
	intruder := startLongConn(t, srv2, lcSecret, nil, fastTuning())
	waitTrue(t, "r1 kicked", r1.p.Kicked)
	waitTrue(t, "intruder connected", intruder.p.Connected)
	intruder.stop()
	r1.stop() // r2 takes the lease and sees the kick in the store
	waitTrue(t, "r2 stays down", r2.p.Kicked)
	if r2.p.Connected() {
		t.Fatal("r2 connected although the robot was taken")
	}
	if _, err := r1.p.Reconnect(context.Background()); err != nil { // the CLI reached another replica
		t.Fatal(err)
	}
	waitTrue(t, "r2 connected after the reconnect", r2.p.Connected)
	if r2.p.Kicked() {
		t.Error("r2 still reports the kick")
	}
}

func TestLongConnFileAndCard(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	// Chunk acks are held long enough for a second chunk to arrive even under
	// -race on a busy machine (decoding a 700 KB frame takes up to ~300 ms).
	srv.ChunkAckDelay = 400 * time.Millisecond
	team := config.Team{ID: "presale", WeCom: config.TeamWeCom{ChatID: "wrkPre"}}
	c := startLongConn(t, srv, lcSecret, nil, fastTuning(), team)
	waitTrue(t, "connected", c.p.Connected)
	ctx := context.Background()

	// A 1.2 MB workbook to a team (chat id from config): three chunks, at
	// most two at a time, then a file message. (The app's end-to-end test
	// sends 3 MB.)
	data := bytes.Repeat([]byte("0123456789abcdef"), 1200<<10/16)
	dest := bot.Destination{Platform: "wecom", TeamID: "presale"}
	if key, limit, _ := c.p.PaceKey(dest); key != "wecom:aibot:wrkPre" || limit != chatPerMinute {
		t.Errorf("PaceKey = %q %d", key, limit)
	}
	if err := c.p.Send(ctx, dest, bot.Message{File: &bot.File{Name: "dir/周报.xlsx", Data: data}}); err != nil {
		t.Fatal(err)
	}
	st := srv.State()
	init := st.Of("aibot_upload_media_init")
	if len(init) != 1 || init[0].Str("filename") != "周报.xlsx" || init[0].Body["total_chunks"] != float64(3) || init[0].Body["total_size"] != float64(len(data)) {
		t.Fatalf("upload init: %+v", init)
	}
	if n := len(st.Of("aibot_upload_media_chunk")); n != 3 {
		t.Errorf("%d chunks, want 3", n)
	}
	if st.MaxChunksInFlight != uploadParallel {
		t.Errorf("chunks in flight at most %d, want %d", st.MaxChunksInFlight, uploadParallel)
	}
	if len(st.Uploads) != 1 || !bytes.Equal(st.Uploads[0].Data, data) {
		t.Fatalf("uploaded file differs")
	}
	push := st.Of("aibot_send_msg")
	if len(push) != 1 || push[0].Str("chatid") != "wrkPre" || push[0].Str("msgtype") != "file" || push[0].Str("file", "media_id") != st.Uploads[0].MediaID {
		t.Fatalf("file message: %+v", push)
	}

	// A quiz question: a button card whose click comes back as an Action.
	card := &bot.Card{ID: "lesson:s1:0", Title: "第 1/3 题", Text: "退货运费谁出？",
		Options: []bot.CardOption{{ID: "A", Label: "A. 买家"}, {ID: "B", Label: "B. 卖家承担全部运费"}}}
	if err := c.p.Send(ctx, dest, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	tc := srv.State().Of("aibot_send_msg")[1]
	tmpl, _ := tc.Body["template_card"].(map[string]any)
	buttons, _ := tmpl["button_list"].([]any)
	task, _ := tmpl["task_id"].(string)
	if tc.Str("msgtype") != "template_card" || tmpl["card_type"] != "button_interaction" || len(buttons) != 2 ||
		!strings.Contains(tc.Str("template_card", "sub_title_text"), "B. 卖家承担全部运费") {
		t.Fatalf("template card: %+v", tc.Body)
	}
	key, _ := ButtonKey("lesson:s1:0", "B")
	if b := buttons[1].(map[string]any); b["key"] != key || b["text"] != "B" {
		t.Errorf("button: %v", b)
	}
	srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u2", CardType: "button_interaction", TaskID: task, Key: key})
	ev := c.sink.wait(t, 1)[0]
	if ev.Action == nil || ev.Action.CardID != "lesson:s1:0" || len(ev.Action.OptionID) != 1 || ev.Action.OptionID[0] != "B" || ev.ChatID != "wrkPre" {
		t.Fatalf("click event: %+v %+v", ev, ev.Action)
	}
	// WeCom may leave task_id out of a button click (a field report), and
	// WeCom's SDK describes a flat event.event_key: both answer the quiz.
	srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u3", CardType: "button_interaction", Key: key, NoTaskID: true})
	srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u4", Key: key, Flat: true})
	for _, ev := range c.sink.wait(t, 2)[1:] {
		if ev.Action == nil || ev.Action.CardID != "lesson:s1:0" || strings.Join(ev.Action.OptionID, ",") != "B" {
			t.Fatalf("click without task_id (%s): %+v", ev.SenderID, ev.Action)
		}
	}
}

func TestCardRowsAndKeys(t *testing.T) {
	four := &bot.Card{ID: "lesson:s2:1", Title: "第 2 题", Options: []bot.CardOption{
		{ID: "A", Label: "A"}, {ID: "B", Label: "B"}, {ID: "C", Label: "C"}, {ID: "D", Label: "D"}}}
	card, ok := templateCard(four)
	if !ok || card["card_type"] != "vote_interaction" {
		t.Fatalf("four options: %v (want a list and a submit button: rows over 3 buttons are cut off)", card)
	}
	three := &bot.Card{ID: "c3", Title: "t", Options: four.Options[:3]}
	if card, _ := templateCard(three); card["card_type"] != "button_interaction" || len(card["button_list"].([]map[string]any)) != 3 {
		t.Fatalf("three options: %v", card)
	}
	for _, id := range []string{"lesson:s1:0", "卡片|一", "a@b"} {
		k, ok := ButtonKey(id, "选项@1")
		if !ok || strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@") != "" {
			t.Fatalf("key %q has characters outside task_id's alphabet", k)
		}
		body := `{"msgid":"e","chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"template_card_event",` +
			`"template_card_event":{"card_type":"button_interaction","event_key":"` + k + `"}}}`
		ev, ok, err := DecodeEvent([]byte(body), testNow)
		if err != nil || !ok || ev.Action.CardID != id || strings.Join(ev.Action.OptionID, ",") != "选项@1" {
			t.Fatalf("%s: %+v %v %v", id, ev.Action, ok, err)
		}
	}
	if _, ok := ButtonKey(strings.Repeat("x", 100), "A"); ok {
		t.Error("a key over 128 bytes was accepted")
	}
	// A vote card's submit without task_id: the key names the card.
	body := `{"msgid":"e","chatid":"c","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"template_card_event",` +
		`"template_card_event":{"card_type":"vote_interaction","event_key":"` + submitKey("c4", false) +
		`","selected_items":{"selected_item":[{"question_key":"q","option_ids":{"option_id":["D"]}}]}}}}`
	ev, ok, err := DecodeEvent([]byte(body), testNow)
	if err != nil || !ok || ev.Action.CardID != "c4" || strings.Join(ev.Action.OptionID, ",") != "D" {
		t.Fatalf("vote without task_id: %+v %v %v", ev.Action, ok, err)
	}
}

func TestTemplateCardVoteAndTaskID(t *testing.T) {
	c := &bot.Card{ID: "lesson:s9:2", Title: "多选", Text: "选出正确的", Multiple: true, Options: []bot.CardOption{
		{ID: "A", Label: "A. 一"}, {ID: "B", Label: "B. 二"}, {ID: "C", Label: "C. 三"}, {ID: SubmitOptionID, Label: "提交"}}}
	card, ok := templateCard(c)
	if !ok || card["card_type"] != "vote_interaction" {
		t.Fatalf("card: %v", card)
	}
	cb := card["checkbox"].(map[string]any)
	if cb["mode"] != 1 || len(cb["option_list"].([]map[string]any)) != 3 {
		t.Errorf("checkbox: %v", cb)
	}
	if sb := card["submit_button"].(map[string]string); sb["key"] != submitKey(c.ID, true) || sb["text"] != "提交" {
		t.Errorf("submit: %v", sb)
	}
	task := card["task_id"].(string)
	if len(task) > maxTaskID || strings.Trim(task, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@") != "" {
		t.Errorf("task_id %q has characters WeCom refuses", task)
	}
	if t2, _ := TaskID(c.ID); t2 == task {
		t.Errorf("task_id not unique per post")
	}
	if got := CardIDFromTask(task); got != c.ID {
		t.Errorf("CardIDFromTask = %q", got)
	}
	if got := CardIDFromTask("plain-task"); got != "plain-task" {
		t.Errorf("foreign task id: %q", got)
	}
	body := `{"msgid":"e9","chatid":"c","chattype":"group","from":{"userid":"u"},"event":{"eventtype":"template_card_event",` +
		`"template_card_event":{"card_type":"vote_interaction","event_key":"` + submitKey(c.ID, true) + `","task_id":"` + task +
		`","selected_items":{"selected_item":[{"question_key":"q","option_ids":{"option_id":["A","C"]}}]}}}}`
	ev, ok, err := DecodeEvent([]byte(body), testNow)
	if err != nil || !ok || ev.Action.CardID != c.ID || strings.Join(ev.Action.OptionID, ",") != "A,C,submit" {
		t.Fatalf("vote click without msgtype: %+v %v %v", ev.Action, ok, err)
	}
	if _, ok := templateCard(&bot.Card{ID: strings.Repeat("x", 100), Options: c.Options[:1]}); ok {
		t.Error("a card id too long for task_id was accepted")
	}
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestLongConnLeaseHandover: two replicas on one store hold one connection
// between them; the connection moves to the replica that sends, and to the
// survivor when its holder stops.
func TestLongConnLeaseHandover(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	st := openStore(t)
	a := startLongConn(t, srv, lcSecret, st, fastTuning())
	waitTrue(t, "a connected", a.p.Connected)
	b := startLongConn(t, srv, lcSecret, st, fastTuning())
	time.Sleep(50 * time.Millisecond)
	if b.p.Connected() || srv.State().Subscribed != 1 {
		t.Fatal("the second replica connected while the first holds the lease")
	}

	// b is the outbox sender: its Send is deferred and the connection comes
	// over to it.
	dest := bot.Destination{Platform: "wecom", ChatID: "wrkA"}
	err := b.p.Send(context.Background(), dest, bot.Message{Text: "早会提醒"})
	var re *bot.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("Send on the replica without the connection: %v", err)
	}
	waitTrue(t, "handover to b", func() bool { return b.p.Connected() && !a.p.Connected() })
	if err := b.p.Send(context.Background(), dest, bot.Message{Text: "早会提醒"}); err != nil {
		t.Fatal(err)
	}
	s := srv.State()
	if push := s.Of("aibot_send_msg"); len(push) != 1 || push[0].Conn != 2 {
		t.Fatalf("pushes: %+v", push)
	}
	// a does not grab it back.
	time.Sleep(100 * time.Millisecond)
	if a.p.Connected() || srv.State().Subscribed != 2 {
		t.Fatal("a took the connection back")
	}

	// b stops: a takes over.
	b.stop()
	waitTrue(t, "a took over", a.p.Connected)
	s = srv.State()
	if s.MaxConcurrent != 1 || s.Kicks != 0 || s.Subscribed != 3 {
		t.Errorf("max concurrent %d, kicks %d, subscriptions %d", s.MaxConcurrent, s.Kicks, s.Subscribed)
	}
}

func TestLongConnCardUpdateOnlyForAndWelcome(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	team := config.Team{ID: "presale", WeCom: config.TeamWeCom{ChatID: "wrkPre"}, Members: []config.Member{
		{ID: "xw", Name: "小王", WeComUserID: "u-agent", Role: "agent"},
		{ID: "chen", Name: "陈主管", WeComUserID: "u-sup", Role: "supervisor"},
	}}
	c := startLongConn(t, srv, lcSecret, nil, fastTuning(), team)
	waitTrue(t, "client connected", c.p.Connected)
	ctx := context.Background()
	card := &bot.Card{ID: "quiz:1", Title: "第 1 题", Options: []bot.CardOption{{ID: "A", Label: "A"}, {ID: "B", Label: "B"}}}
	if err := c.p.Send(ctx, bot.Destination{Platform: "wecom", ChatID: "wrkPre"}, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	key, _ := ButtonKey("quiz:1", "B")
	clickReq := srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u-agent", CardType: "button_interaction", Key: key, NoTaskID: true})
	ev := c.sink.wait(t, 1)[0]
	if ev.Reply[ReplyKindKey] != "click" || ev.Reply[ReplyReqIDKey] != clickReq {
		t.Fatalf("click reply handle: %v", ev.Reply)
	}
	dest := bot.Destination{Platform: "wecom", ChatID: ev.ChatID, Reply: ev.Reply}

	// The clicked card is updated in place for the clicker only.
	done := &bot.Card{ID: "quiz:1", Title: "第 1 题 · 已作答", Options: []bot.CardOption{{ID: "A", Label: "A"}, {ID: "B", Label: "✓ B"}}}
	if err := c.p.Send(ctx, dest, bot.Message{Card: done, Update: true, OnlyFor: []string{"u-agent"}}); err != nil {
		t.Fatal(err)
	}
	up := srv.State().Of("aibot_respond_update_msg")
	if len(up) != 1 || up[0].ReqID != clickReq || up[0].Str("response_type") != "update_template_card" ||
		up[0].Str("template_card", "main_title", "title") != "第 1 题 · 已作答" || fmt.Sprint(up[0].Body["userids"]) != "[u-agent]" {
		t.Fatalf("card update: %+v", up)
	}
	// A second update for the same click cannot use the req_id again: the
	// clicker gets it in a single chat, not the group.
	if err := c.p.Send(ctx, dest, bot.Message{Card: done, Update: true, OnlyFor: []string{"u-agent"}}); err != nil {
		t.Fatal(err)
	}
	// A click whose 5 s window has passed, to everybody: a new card in the chat.
	late := bot.Destination{Platform: "wecom", ChatID: "wrkPre", Reply: map[string]string{ReplyReqIDKey: "cb-old", ReplyConnKey: ev.Reply[ReplyConnKey],
		ReplyKindKey: "click", ReplyReceivedKey: time.Now().Add(-6 * time.Second).UTC().Format(time.RFC3339Nano)}}
	if err := c.p.Send(ctx, late, bot.Message{Card: done, Update: true}); err != nil {
		t.Fatal(err)
	}
	// OnlyFor without Update: a private message to each user.
	if err := c.p.Send(ctx, bot.Destination{Platform: "wecom", ChatID: "wrkPre"}, bot.Message{Markdown: "你的成绩：3/3", OnlyFor: []string{"u-agent", "u-sup"}}); err != nil {
		t.Fatal(err)
	}
	st := srv.State()
	if len(st.Of("aibot_respond_update_msg")) != 1 {
		t.Errorf("updates: %+v", st.Of("aibot_respond_update_msg"))
	}
	var got []string
	for _, r := range st.Of("aibot_send_msg")[1:] {
		got = append(got, r.Str("chatid")+":"+r.Str("msgtype"))
	}
	if strings.Join(got, ",") != "u-agent:template_card,wrkPre:template_card,u-agent:markdown,u-sup:markdown" {
		t.Errorf("pushes after the update: %v", got)
	}

	// A user opens a chat with the robot: a role-aware welcome within 5 s.
	for user, want := range map[string]string{"u-agent": "小王你好", "u-sup": "陈主管你好", "u-new": "不在班组名单"} {
		req := srv.SendEnterChat(user)
		srv.Wait(lcWait, "the welcome to "+user, func(s wecomtest.Snapshot) bool {
			for _, r := range s.Of("aibot_respond_welcome_msg") {
				if r.ReqID == req && strings.Contains(r.Str("text", "content"), want) {
					return true
				}
			}
			return false
		})
	}
	c.sink.none(t) // enter_chat reaches no handler
}
