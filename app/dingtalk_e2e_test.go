package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/platform/dingtalk"
	"github.com/banzu-bot/banzu/platform/dingtalk/dingtalktest"
)

const (
	dtClientID     = "ding-e2e-client"
	dtClientSecret = "ding-e2e-secret"
	dtRobotCode    = "ding-e2e-robot"
)

// dingtalkConfig is the demo company with DingTalk configured against fake
// (its api and oapi hosts both): 售前组 has its open_conversation_id
// configured, 售后组's is learned from a message.
func dingtalkConfig(t *testing.T, fake *dingtalktest.Server, mode string) *config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	demo.Apply(cfg)
	cfg.DingTalk = config.DingTalk{
		ClientID: dtClientID, ClientSecret: dtClientSecret, RobotCode: dtRobotCode,
		Mode: mode, CallbackPath: "/dingtalk/callback",
		APIBase: fake.URL, OAPIBase: fake.URL,
	}
	for i := range cfg.Teams {
		tm := &cfg.Teams[i]
		if tm.ID == "presale" {
			tm.DingTalk.OpenConversationID = "cidPresale=="
		}
		for j := range tm.Members {
			tm.Members[j].DingTalkUserID = "dt-" + tm.Members[j].ID
		}
	}
	return cfg
}

// dtText digs a string out of a decoded JSON body: dtText(b, "markdown", "text").
func dtText(m map[string]any, path ...string) string { return qyStr(m, path...) }

// TestDingTalkStreamEndToEnd drives a whole banzu through DingTalk in stream
// mode against a local fake gateway and OpenAPI: messages over the stream
// answered through their session webhooks, a dropped connection
// re-established with the next message still handled, a redelivered message
// handled once, scheduled posts and files through the robot OpenAPI.
func TestDingTalkStreamEndToEnd(t *testing.T) {
	fake := dingtalktest.New(t, dtClientID, dtClientSecret, dtRobotCode)
	banzu := startPlatformApp(t, dingtalkConfig(t, fake, "stream"))

	conn := fake.NextConn(t)
	help := dingtalktest.Message{
		MsgID: "dt-msg-help", ConversationID: "cidPresale==", Group: true, Title: "售前组",
		SenderStaffID: "dt-xiaowang", SenderNick: "小王", Text: "/help",
		SessionWebhook: fake.SessionWebhook("s-help"), RobotCode: dtRobotCode,
	}
	conn.SendMessage(t, "frame-1", help)
	waitFor(t, "the /help answer through the session webhook", func() bool { return len(fake.WebhookCalls("s-help")) == 1 })
	ans := fake.WebhookCalls("s-help")[0].Body
	if md := dtText(ans, "markdown", "text"); ans["msgtype"] != "markdown" || dtText(ans, "markdown", "title") == "" ||
		!strings.Contains(md, "/whoami") || strings.Contains(md, "/roster") {
		t.Errorf("/help answer for an agent: %v", ans)
	}

	// The gateway's ping is answered with its data.
	conn.Send(t, "SYSTEM", "ping", "ping-1", `{"opaque":"p-1"}`)
	if a := conn.Ack(t); a.Code != 200 || a.Headers["messageId"] != "ping-1" || a.Data != `{"opaque":"p-1"}` {
		t.Errorf("pong: %+v", a)
	}

	// The network drops: banzu asks for a new ticket and reconnects.
	fake.Drop()
	conn = fake.NextConn(t)
	if n := fake.Opens(); n != 2 {
		t.Errorf("connections/open requests: %d, want 2", n)
	}
	// DingTalk redelivers the /help (its ACK was lost, say): handled once.
	conn.SendMessage(t, "frame-2", help)
	// The next message, from 售后组 whose group banzu has not seen yet.
	conn.SendMessage(t, "frame-3", dingtalktest.Message{
		MsgID: "dt-msg-whoami", ConversationID: "cidAftersale==", Group: true, Title: "售后组",
		SenderStaffID: "dt-xiaozhou", SenderNick: "小周", Text: "/whoami",
		SessionWebhook: fake.SessionWebhook("s-whoami"), RobotCode: dtRobotCode,
	})
	waitFor(t, "the /whoami answer after the reconnect", func() bool { return len(fake.WebhookCalls("s-whoami")) == 1 })
	if md := dtText(fake.WebhookCalls("s-whoami")[0].Body, "markdown", "text"); !strings.Contains(md, "小周") || !strings.Contains(md, "售后组") {
		t.Errorf("/whoami answer: %q", md)
	}
	banzu.drain()
	time.Sleep(50 * time.Millisecond)
	if n := len(fake.WebhookCalls("s-help")); n != 1 {
		t.Errorf("/help answered %d times, want once", n)
	}
	if calls := fake.Calls(dingtalktest.PathGroupSend); len(calls) != 0 {
		t.Errorf("no OpenAPI send expected yet: %+v", calls)
	}

	// Scheduled posts: 售前组 by its configured open_conversation_id, 售后组
	// by the conversation learned from the message above.
	ctx := context.Background()
	if err := banzu.a.Bot.PostTeam(ctx, "presale", bot.Message{Markdown: "**早会提醒**\n9:30 开始"}); err != nil {
		t.Fatal(err)
	}
	if err := banzu.a.Bot.PostTeam(ctx, "aftersale", bot.Message{Markdown: "售后组 周报已生成"}); err != nil {
		t.Fatal(err)
	}
	banzu.drain()
	group := fake.Calls(dingtalktest.PathGroupSend)
	if len(group) != 2 {
		t.Fatalf("groupMessages/send calls: %+v", group)
	}
	posted := map[string]dingtalktest.Call{}
	for _, c := range group {
		ocid, _ := c.Body["openConversationId"].(string)
		posted[ocid] = c
		if c.Body["robotCode"] != dtRobotCode || c.Body["msgKey"] != "sampleMarkdown" || !strings.HasPrefix(c.Token, "fake-token-") {
			t.Errorf("group send shape: token %q body %v", c.Token, c.Body)
		}
	}
	if p := posted["cidPresale=="].Param; p["title"] == "" || !strings.Contains(fmt.Sprint(p["text"]), "早会提醒") {
		t.Errorf("post to 售前组: %+v", posted["cidPresale=="])
	}
	if p := posted["cidAftersale=="].Param; !strings.Contains(fmt.Sprint(p["text"]), "售后组 周报已生成") {
		t.Errorf("post to 售后组 (learned group): %+v", posted["cidAftersale=="])
	}

	// A file into 售前组: media/upload, then sampleFile.
	workbook := []byte("PK\x03\x04 fake xlsx bytes")
	if err := banzu.a.Bot.PostTeam(ctx, "presale", bot.Message{File: &bot.File{Name: "售前组周报.xlsx", Data: workbook}}); err != nil {
		t.Fatal(err)
	}
	banzu.drain()
	up := fake.Calls(dingtalktest.PathMediaUpload)
	if len(up) != 1 || !strings.HasPrefix(up[0].Query.Get("access_token"), "fake-token-") || up[0].Field != "media" ||
		up[0].FileName != "售前组周报.xlsx" || !bytes.Equal(up[0].FileData, workbook) {
		t.Fatalf("media/upload: %+v", up)
	}
	group = fake.Calls(dingtalktest.PathGroupSend)
	if len(group) != 3 {
		t.Fatalf("groupMessages/send calls: %d, want 3", len(group))
	}
	if f := group[2]; f.Body["openConversationId"] != "cidPresale==" || f.Body["msgKey"] != "sampleFile" ||
		f.Param["mediaId"] != "@media-1" || f.Param["fileName"] != "售前组周报.xlsx" || f.Param["fileType"] != "xlsx" {
		t.Errorf("sampleFile to 售前组: %+v", f)
	}

	// A file to the manager, one-to-one.
	if err := banzu.a.Bot.SendMember(ctx, "zhao", bot.Message{File: &bot.File{Name: "团队月报.xlsx", Data: workbook}}); err != nil {
		t.Fatal(err)
	}
	banzu.drain()
	oto := fake.Calls(dingtalktest.PathOtoSend)
	if len(oto) != 1 {
		t.Fatalf("batchSend calls: %+v", oto)
	}
	if b := oto[0]; fmt.Sprint(b.Body["userIds"]) != "[dt-zhao]" || b.Body["robotCode"] != dtRobotCode || b.Body["msgKey"] != "sampleFile" ||
		b.Param["mediaId"] != "@media-2" || b.Param["fileName"] != "团队月报.xlsx" {
		t.Errorf("batchSend: %+v", b)
	}
	if n := len(fake.Calls(dingtalktest.PathAccessToken)); n != 1 {
		t.Errorf("access token requests: %d, want 1 (cached)", n)
	}
	if n := banzu.a.Outbox.Counts()["dead"]; n != 0 {
		t.Errorf("%d messages dead-lettered", n)
	}
}

// TestDingTalkHTTPEndToEnd sends signed callbacks to banzu's
// /dingtalk/callback: a good one is answered; a forged signature, a stale
// timestamp, missing headers and a malformed body are refused; a redelivered
// msgId is answered once.
func TestDingTalkHTTPEndToEnd(t *testing.T) {
	fake := dingtalktest.New(t, dtClientID, dtClientSecret, dtRobotCode)
	banzu := startPlatformApp(t, dingtalkConfig(t, fake, "http"))

	post := func(body []byte, at time.Time, secret string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, banzu.srv.URL+"/dingtalk/callback", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			ts := strconv.FormatInt(at.UnixMilli(), 10)
			req.Header.Set("timestamp", ts)
			req.Header.Set("sign", dingtalk.Sign(ts, secret))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	msg := func(id, session, staff, text string) []byte {
		return dingtalktest.Message{MsgID: id, ConversationID: "cidPresale==", Group: true, Title: "售前组",
			SenderStaffID: staff, Text: text, SessionWebhook: fake.SessionWebhook(session), RobotCode: dtRobotCode}.JSON()
	}
	now := time.Now()

	if code := post(msg("h-help", "s-help", "dt-xiaowang", "/help"), now, dtClientSecret); code != http.StatusOK {
		t.Fatalf("signed callback: %d", code)
	}
	waitFor(t, "the /help answer", func() bool { return len(fake.WebhookCalls("s-help")) == 1 })
	if md := dtText(fake.WebhookCalls("s-help")[0].Body, "markdown", "text"); !strings.Contains(md, "/whoami") {
		t.Errorf("/help answer: %q", md)
	}

	for _, tc := range []struct {
		name   string
		body   []byte
		at     time.Time
		secret string
		want   int
	}{
		{"forged signature", msg("h-forged", "s-forged", "dt-xiaowang", "/help"), now, "not-the-secret", http.StatusUnauthorized},
		{"stale timestamp", msg("h-stale", "s-stale", "dt-xiaowang", "/help"), now.Add(-2 * time.Hour), dtClientSecret, http.StatusUnauthorized},
		{"future timestamp", msg("h-future", "s-future", "dt-xiaowang", "/help"), now.Add(2 * time.Hour), dtClientSecret, http.StatusUnauthorized},
		{"no signature", msg("h-nosign", "s-nosign", "dt-xiaowang", "/help"), now, "", http.StatusUnauthorized},
		{"malformed body", []byte(`{"msgId": "h-bad", "text": `), now, dtClientSecret, http.StatusBadRequest},
		{"no msgId", msg("", "s-noid", "dt-xiaowang", "/help"), now, dtClientSecret, http.StatusBadRequest},
		{"redelivered msgId", msg("h-help", "s-help-again", "dt-xiaowang", "/help"), now, dtClientSecret, http.StatusOK},
	} {
		if code := post(tc.body, tc.at, tc.secret); code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, code, tc.want)
		}
	}
	if code := post(msg("h-whoami", "s-whoami", "dt-chen", "/whoami"), now, dtClientSecret); code != http.StatusOK {
		t.Fatalf("second callback: %d", code)
	}
	waitFor(t, "the /whoami answer", func() bool { return len(fake.WebhookCalls("s-whoami")) == 1 })
	banzu.drain()
	time.Sleep(50 * time.Millisecond)
	for _, s := range []string{"s-forged", "s-stale", "s-future", "s-nosign", "s-noid", "s-help-again"} {
		if n := len(fake.WebhookCalls(s)); n != 0 {
			t.Errorf("session %s answered %d times, want never", s, n)
		}
	}
	if n := len(fake.WebhookCalls("s-help")); n != 1 {
		t.Errorf("/help answered %d times, want once", n)
	}
	if n := fake.Opens(); n != 0 {
		t.Errorf("HTTP mode opened %d stream connections", n)
	}
}
