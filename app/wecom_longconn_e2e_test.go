package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/platform/wecom"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
)

const (
	lcBotID  = "aibot-e2e"
	lcSecret = "aibot-secret-e2e"
	lcWait   = 10 * time.Second
)

// fastLongConn shortens the long connection's waits for the test.
func fastLongConn(t *testing.T) {
	old := wecom.DefaultLongConnTuning
	wecom.DefaultLongConnTuning = wecom.LongConnTuning{
		Heartbeat: time.Hour, BackoffInitial: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond,
		Takeover: time.Hour, LeaseTTL: 300 * time.Millisecond, LeaseRetry: 10 * time.Millisecond,
		RetryAfter: 20 * time.Millisecond, AckTimeout: 5 * time.Second, DialTimeout: 5 * time.Second,
	}
	t.Cleanup(func() { wecom.DefaultLongConnTuning = old })
}

// longconnConfig is the demo company with WeCom in long-connection mode
// against srv: no callback, no webhook; 售前组's chat id is configured,
// 售后组's is learned.
func longconnConfig(t *testing.T, srv *wecomtest.Server, secret string) *config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	demo.Apply(cfg)
	cfg.WeCom.AIBot.BotID = lcBotID
	cfg.WeCom.AIBot.Secret = secret
	cfg.WeCom.AIBot.WSURL = srv.URL()
	for i := range cfg.Teams {
		tm := &cfg.Teams[i]
		if tm.ID == "presale" {
			tm.WeCom.ChatID = "wrkPresale"
		}
		for j := range tm.Members {
			tm.Members[j].WeComUserID = "qw-" + tm.Members[j].ID
		}
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// lcBanzu is one banzu process under test.
type lcBanzu struct {
	a    *app.App
	srv  *httptest.Server
	logs *lockedBuffer
	once sync.Once
	stop func()
}

func startLongConnBanzu(t *testing.T, cfg *config.Config, opts app.Options) *lcBanzu {
	t.Helper()
	logs := &lockedBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(context.Background(), a.Store, a.Bot, a.DemoSeeders()); err != nil {
		t.Fatal(err)
	}
	stop, err := a.Start(context.Background())
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	b := &lcBanzu{a: a, srv: httptest.NewServer(a.Handler()), logs: logs}
	b.stop = func() {
		b.once.Do(func() {
			b.srv.Close()
			stop()
			a.Close()
		})
	}
	t.Cleanup(func() {
		b.stop()
		if t.Failed() {
			t.Logf("banzu %s log:\n%s", opts.Owner, logs)
		}
	})
	return b
}

func (b *lcBanzu) metrics(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(b.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// replyTo waits for the answer to the callback reqID, on its connection
// (aibot_respond_msg with that req_id), and returns its content.
func replyTo(t *testing.T, srv *wecomtest.Server, reqID string) wecomtest.Request {
	t.Helper()
	var got wecomtest.Request
	srv.Wait(lcWait, "the reply to "+reqID, func(s wecomtest.Snapshot) bool {
		for _, r := range s.Of("aibot_respond_msg") {
			if r.ReqID == reqID {
				got = r
				return true
			}
		}
		return false
	})
	return got
}

// pushWith waits for an aibot_send_msg to chat whose body satisfies match.
func pushWith(t *testing.T, srv *wecomtest.Server, what, chat string, match func(wecomtest.Request) bool) wecomtest.Request {
	t.Helper()
	var got wecomtest.Request
	srv.Wait(lcWait, what, func(s wecomtest.Snapshot) bool {
		for _, r := range s.Of("aibot_send_msg") {
			if r.Str("chatid") == chat && match(r) {
				got = r
				return true
			}
		}
		return false
	})
	return got
}

func markdownHas(text string) func(wecomtest.Request) bool {
	return func(r wecomtest.Request) bool { return strings.Contains(r.Str("markdown", "content"), text) }
}

func TestWeComLongConnBadSecret(t *testing.T) {
	fastLongConn(t)
	srv := wecomtest.New(t, lcBotID, lcSecret)
	b := startLongConnBanzu(t, longconnConfig(t, srv, "not-the-secret"), app.Options{})
	srv.Wait(lcWait, "refused subscriptions", func(s wecomtest.Snapshot) bool { return s.Rejected >= 2 })
	if s := srv.State(); s.Subscribed != 0 {
		t.Fatalf("subscribed with a wrong secret: %+v", s)
	}
	if !strings.Contains(b.logs.String(), "853000") {
		t.Error("the refused secret is not logged")
	}
	if m := b.metrics(t); !strings.Contains(m, `banzu_reconnects_total{platform="wecom"}`) {
		t.Errorf("no wecom reconnect metric:\n%s", m)
	}
}

// TestWeComLongConnEndToEnd drives a whole banzu over the intelligent
// robot's long connection against the fake WeCom socket server.
func TestWeComLongConnEndToEnd(t *testing.T) {
	fastLongConn(t)
	srv := wecomtest.New(t, lcBotID, lcSecret)
	clock := &lessonClock{t: lessonStartTime()}
	b := startLongConnBanzu(t, longconnConfig(t, srv, lcSecret), app.Options{Now: clock.Now})
	srv.Wait(lcWait, "the subscription", func(s wecomtest.Snapshot) bool { return s.Online })
	ctx := context.Background()

	// /help in 售前组: answered on the connection with the message's req_id.
	help := srv.SendText(wecomtest.Message{MsgID: "m-help", ChatID: "wrkPresale", UserID: "qw-xiaowang", Text: "/help"})
	r := replyTo(t, srv, help)
	if md := r.Str("stream", "content"); r.Str("msgtype") != "stream" || r.Conn != 1 || !strings.Contains(md, "/whoami") || strings.Contains(md, "/roster") {
		t.Fatalf("/help reply for an agent: %+v", r)
	}
	// A redelivered msgid is handled once.
	srv.SendText(wecomtest.Message{MsgID: "m-help", ChatID: "wrkPresale", UserID: "qw-xiaowang", Text: "/help"})
	who := srv.SendText(wecomtest.Message{MsgID: "m-who", ChatID: "wrkPresale", UserID: "qw-chen", Text: "/whoami"})
	if md := replyTo(t, srv, who).Str("stream", "content"); !strings.Contains(md, "陈主管") {
		t.Errorf("/whoami reply: %q", md)
	}
	b.drain(t)
	if n := len(srv.State().Of("aibot_respond_msg")); n != 2 {
		t.Errorf("%d replies, want 2 (the redelivery is dropped)", n)
	}

	// A quiz: the supervisor starts the lesson, the question comes as a
	// button card, an agent answers with one tap.
	srv.SendText(wecomtest.Message{ChatID: "wrkPresale", UserID: "qw-chen", Text: "/微课 start 运费险"})
	srv.Wait(lcWait, "the knowledge point", func(s wecomtest.Snapshot) bool {
		for _, r := range s.Requests {
			if strings.Contains(r.Str("stream", "content")+r.Str("markdown", "content"), "每日微课堂 · 运费险") {
				return true
			}
		}
		return false
	})
	for _, d := range []time.Duration{3 * time.Minute, 5 * time.Minute} {
		clock.Add(d)
		if err := b.a.Lessons().Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	q := pushWith(t, srv, "the first question card", "wrkPresale", func(r wecomtest.Request) bool {
		return r.Str("msgtype") == "template_card" && strings.Contains(r.Str("template_card", "main_title", "title"), "第 1/")
	})
	card := q.Body["template_card"].(map[string]any)
	right := "退货退款成功后"
	switch card["card_type"] {
	case "vote_interaction":
		// Four options: a list to choose from and a submit button (rows of
		// more than three buttons are cut off on real clients). The click
		// carries no task_id: the submit key names the card.
		id := ""
		for _, o := range card["checkbox"].(map[string]any)["option_list"].([]any) {
			if om := o.(map[string]any); strings.Contains(om["text"].(string), right) {
				id, _ = om["id"].(string)
			}
		}
		if id == "" {
			t.Fatalf("no option for the right answer in %v", card)
		}
		clock.Add(5 * time.Second)
		srv.SendClick(wecomtest.Click{ChatID: "wrkPresale", UserID: "qw-xiaowang", CardType: "vote_interaction",
			NoTaskID: true, Key: wecomtest.Str(card, "submit_button", "key"), Options: []string{id}})
	case "button_interaction":
		// The button of the right answer: its label, or its letter when the
		// labels are listed in the card's text.
		key := ""
		for _, line := range strings.Split(wecomtest.Str(card, "sub_title_text"), "\n") {
			if strings.Contains(line, right) {
				right, _, _ = strings.Cut(line, ".")
			}
		}
		for _, btn := range card["button_list"].([]any) {
			if bm := btn.(map[string]any); bm["text"] == right || strings.Contains(bm["text"].(string), right) {
				key, _ = bm["key"].(string)
			}
		}
		if key == "" {
			t.Fatalf("no button for the right answer in %v", card)
		}
		clock.Add(5 * time.Second)
		srv.SendClick(wecomtest.Click{ChatID: "wrkPresale", UserID: "qw-xiaowang", CardType: "button_interaction",
			NoTaskID: true, Key: key})
	default:
		t.Fatalf("question card: %v", card)
	}
	// The tap is acknowledged to 小王 alone: WeCom updates the card he
	// tapped, for his userid only (aibot_respond_update_msg).
	srv.Wait(lcWait, "the tapper's card update", func(s wecomtest.Snapshot) bool {
		for _, r := range s.Of("aibot_respond_update_msg") {
			if ids, _ := r.Body["userids"].([]any); len(ids) == 1 && ids[0] == "qw-xiaowang" && r.Str("response_type") == "update_template_card" {
				return true
			}
		}
		return false
	})

	// Scheduled posts: into 售前组 (chat id from config), and into 售后组
	// once its chat id was learned from a message there.
	if err := b.a.Bot.PostTeam(ctx, "presale", bot.Message{Markdown: "**早会提醒**\n9:30 开始", Mentions: []string{"xiaowang"}}); err != nil {
		t.Fatal(err)
	}
	p := pushWith(t, srv, "the scheduled post", "wrkPresale", markdownHas("**早会提醒**"))
	if md := p.Str("markdown", "content"); md != "**早会提醒**\n9:30 开始\n<@qw-xiaowang>" {
		t.Errorf("scheduled post: %q", md)
	}
	replyTo(t, srv, srv.SendText(wecomtest.Message{ChatID: "wrkAfter", UserID: "qw-xiaozhou", Text: "/whoami"}))
	if err := b.a.Bot.PostTeam(ctx, "aftersale", bot.Message{Markdown: "售后组 周报已生成"}); err != nil {
		t.Fatal(err)
	}
	pushWith(t, srv, "the post to the learned chat", "wrkAfter", markdownHas("售后组 周报已生成"))

	// A 3 MB workbook: six chunks, then a file message.
	data := bytes.Repeat([]byte("PK\x03\x04 banzu xlsx "), 3<<20/16)
	if err := b.a.Bot.PostTeam(ctx, "presale", bot.Message{File: &bot.File{Name: "售前组周报.xlsx", Data: data}}); err != nil {
		t.Fatal(err)
	}
	f := pushWith(t, srv, "the file message", "wrkPresale", func(r wecomtest.Request) bool { return r.Str("msgtype") == "file" })
	s := srv.State()
	if len(s.Uploads) != 1 || s.Uploads[0].Filename != "售前组周报.xlsx" || s.Uploads[0].Chunks != 6 || !bytes.Equal(s.Uploads[0].Data, data) ||
		f.Str("file", "media_id") != s.Uploads[0].MediaID {
		t.Fatalf("upload: %d files, chunks %d, file message %+v", len(s.Uploads), s.Uploads[0].Chunks, f.Body)
	}
	if n := len(s.Of("aibot_upload_media_chunk")); n != 6 {
		t.Errorf("%d chunk frames, want 6", n)
	}

	// The server drops the connection: banzu reconnects and the next
	// message is handled on the new connection. (First let the file's send
	// finish: a drop before WeCom's ack arrives makes banzu send it again,
	// and the reply would queue behind a 3 MB upload.)
	b.drain(t)
	srv.DropAll()
	srv.Wait(lcWait, "the reconnect", func(s wecomtest.Snapshot) bool { return s.Subscribed == 2 && s.Online })
	after := srv.SendText(wecomtest.Message{ChatID: "wrkPresale", UserID: "qw-xiaowang", Text: "/whoami"})
	if r := replyTo(t, srv, after); r.Conn != 2 || !strings.Contains(r.Str("stream", "content"), "小王") {
		t.Errorf("reply after the reconnect: %+v", r)
	}
	if m := b.metrics(t); !strings.Contains(m, `banzu_reconnects_total{platform="wecom"} 1`) {
		t.Errorf("reconnect not counted:\n%s", m)
	}
	b.drain(t)
	if s := srv.State(); s.MaxConcurrent != 1 || s.Kicks != 0 {
		t.Errorf("max concurrent connections %d, kicks %d", s.MaxConcurrent, s.Kicks)
	}
	if n := b.a.Outbox.Counts()["dead"]; n != 0 {
		t.Errorf("%d messages dead-lettered", n)
	}
}

func (b *lcBanzu) drain(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(lcWait); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if depth, _, err := b.a.Store.Outbox().Stats(context.Background()); err == nil && depth == 0 {
			return
		}
	}
	t.Fatal("outbox did not drain")
}
