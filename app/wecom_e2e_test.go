package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/platform/wecom"
)

// platformApp is a whole banzu started from a config, serving its HTTP
// routes on an httptest server. Its logs are kept and printed when the test
// fails. Shared by the WeCom and DingTalk end-to-end tests.
type platformApp struct {
	t    *testing.T
	a    *app.App
	srv  *httptest.Server
	logs *lockedBuffer
}

// lockedBuffer is a bytes.Buffer safe for the app's concurrent logging.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startPlatformApp(t *testing.T, cfg *config.Config) *platformApp {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(context.Background(), cfg, app.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	stop, err := a.Start(context.Background())
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	p := &platformApp{t: t, a: a, srv: httptest.NewServer(a.Handler()), logs: logs}
	t.Cleanup(func() {
		p.srv.Close()
		stop()
		a.Close()
		if t.Failed() {
			t.Logf("banzu log:\n%s", logs)
		}
	})
	return p
}

// drain waits until the outbox has delivered everything queued so far.
func (p *platformApp) drain() {
	p.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if depth, _, err := p.a.Store.Outbox().Stats(context.Background()); err == nil && depth == 0 {
			return
		}
	}
	p.t.Fatal("outbox did not drain")
}

// waitFor polls cond until it holds or five seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// WeCom test secrets: the callback token and key banzu is configured with.
const (
	qyToken      = "banzuE2EToken"
	qyAESKey     = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	qyCorpID     = "wwbanzue2e"
	qyCorpSecret = "corp-secret-e2e"
	qyAgentID    = 1000002
	qyAppToken   = "qy-access-token-1"
)

// wecomConfig is the demo company with WeCom configured against qy: the
// intelligent robot's callback, the self-built app, and per team a group
// robot webhook key (售前组 also has its chat id; 售后组's is learned).
func wecomConfig(t *testing.T, qy *fakeQyapi) *config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	demo.Apply(cfg)
	cfg.WeCom.AIBot.Token = qyToken
	cfg.WeCom.AIBot.EncodingAESKey = qyAESKey
	cfg.WeCom.CorpID, cfg.WeCom.CorpSecret, cfg.WeCom.AgentID = qyCorpID, qyCorpSecret, qyAgentID
	cfg.WeCom.APIBase = qy.srv.URL
	for i := range cfg.Teams {
		tm := &cfg.Teams[i]
		tm.WeCom.WebhookKey = "key-" + tm.ID
		if tm.ID == "presale" {
			tm.WeCom.ChatID = "wrkPresale"
		}
		for j := range tm.Members {
			tm.Members[j].WeComUserID = "qw-" + tm.Members[j].ID
		}
	}
	return cfg
}

// robotText is the plaintext of an intelligent-robot text message as WeCom
// sends it, the @-mention included.
func robotText(msgID, chatID, userID, responseCode, text string) []byte {
	b, _ := json.Marshal(map[string]any{
		"msgid":        msgID,
		"aibotid":      "aibot-e2e",
		"chatid":       chatID,
		"chattype":     "group",
		"from":         map[string]string{"userid": userID},
		"response_url": "RESPONSE_BASE/cgi-bin/aibot/response?response_code=" + responseCode,
		"msgtype":      "text",
		"text":         map[string]string{"content": "@班组助手 " + text},
	})
	return b
}

// wecomPost sends an encrypted callback to banzu the way WeCom does; tamper
// may change the query before it is sent. It returns the status and body.
func wecomPost(t *testing.T, banzu *platformApp, qy *fakeQyapi, plaintext []byte, tamper func(url.Values)) (int, string) {
	t.Helper()
	plaintext = bytes.ReplaceAll(plaintext, []byte("RESPONSE_BASE"), []byte(qy.srv.URL))
	ts := fmt.Sprint(time.Now().Unix())
	body, q, err := wecom.EncryptCallback(qyToken, qyAESKey, "", plaintext, ts, fmt.Sprint(time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(q)
	}
	resp, err := http.Post(banzu.srv.URL+"/wecom/aibot?"+q.Encode(), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestWeComEndToEnd drives a whole banzu through WeCom: encrypted callbacks
// from a test client to /wecom/aibot, answers at their response_url,
// scheduled posts and files through the group robot webhook, a file to a
// manager through the self-built app, all against a fake qyapi.
func TestWeComEndToEnd(t *testing.T) {
	qy := newFakeQyapi(t, "key-presale", "key-aftersale")
	banzu := startPlatformApp(t, wecomConfig(t, qy))

	// URL verification: the decrypted echostr comes back as plain text.
	echo, vq, err := wecom.EncryptCallback(qyToken, qyAESKey, "", []byte("1616140317555161061"), "1409659589", "263014780")
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Encrypt string }
	json.Unmarshal(echo, &env)
	vq.Set("echostr", env.Encrypt)
	resp, err := http.Get(banzu.srv.URL + "/wecom/aibot?" + vq.Encode())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(got) != "1616140317555161061" {
		t.Fatalf("URL verification: %d %q", resp.StatusCode, got)
	}

	// An agent @-s the robot with /help in 售前组: answered at its response_url.
	help := robotText("msg-help-1", "wrkPresale", "qw-xiaowang", "RC-help", "/help")
	if code, body := wecomPost(t, banzu, qy, help, nil); code != http.StatusOK || body != "" {
		t.Fatalf("/help callback: %d %q, want 200 and an empty body", code, body)
	}
	waitFor(t, "the /help answer at the response_url", func() bool { return len(qy.responsesTo("RC-help")) == 1 })
	answer := qy.responsesTo("RC-help")[0]
	md := qyStr(answer.Body, "markdown", "content")
	if answer.Body["msgtype"] != "markdown" || !strings.Contains(md, "/whoami") || strings.Contains(md, "/roster") {
		t.Errorf("/help answer for an agent: %v", answer.Body)
	}

	// Forged, missing and malformed requests are refused before anything is
	// handled: none of them is answered.
	forged := robotText("msg-forged", "wrkPresale", "qw-xiaowang", "RC-forged", "/help")
	if code, _ := wecomPost(t, banzu, qy, forged, func(q url.Values) { q.Set("msg_signature", strings.Repeat("0", 40)) }); code != http.StatusForbidden {
		t.Errorf("forged signature: %d, want 403", code)
	}
	if code, _ := wecomPost(t, banzu, qy, forged, func(q url.Values) { q.Del("msg_signature") }); code != http.StatusBadRequest {
		t.Errorf("missing signature: %d, want 400", code)
	}
	if code, _ := wecomPost(t, banzu, qy, forged, func(q url.Values) { q.Set("timestamp", "1") }); code != http.StatusForbidden {
		t.Errorf("signature of other parameters: %d, want 403", code)
	}
	for name, body := range map[string]string{"not JSON": "encrypt=abc", "oversized": `{"encrypt":"` + strings.Repeat("A", 2<<20) + `"}`} {
		resp, err := http.Post(banzu.srv.URL+"/wecom/aibot?msg_signature=x&timestamp=1&nonce=2", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s body: %d, want 4xx", name, resp.StatusCode)
		}
	}

	// WeCom redelivers msg-help-1 (same msgid, fresh encryption): handled once.
	if code, _ := wecomPost(t, banzu, qy, help, nil); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}
	// A later message is answered; by then the replay has been dropped.
	whoami := robotText("msg-whoami-1", "wrkPresale", "qw-chen", "RC-whoami", "/whoami")
	if code, _ := wecomPost(t, banzu, qy, whoami, nil); code != http.StatusOK {
		t.Fatalf("/whoami callback: %d", code)
	}
	waitFor(t, "the /whoami answer", func() bool { return len(qy.responsesTo("RC-whoami")) == 1 })
	if md := qyStr(qy.responsesTo("RC-whoami")[0].Body, "markdown", "content"); !strings.Contains(md, "陈主管") || !strings.Contains(md, "售前组") {
		t.Errorf("/whoami answer: %q", md)
	}
	banzu.drain()
	time.Sleep(50 * time.Millisecond)
	if n := len(qy.responsesTo("RC-help")); n != 1 {
		t.Errorf("/help answered %d times at its response_url, want once", n)
	}
	if n := len(qy.responsesTo("RC-forged")); n != 0 {
		t.Errorf("a forged callback was answered %d times", n)
	}
	if calls := qy.callsTo("/cgi-bin/webhook/send"); len(calls) != 0 {
		t.Errorf("nothing should have gone through the webhook yet: %v", calls)
	}

	// A scheduled post into 售前组 (through its group robot webhook), one
	// @-mentioning a member (by member id: PostTeam maps it to her WeCom
	// userid), and a post into 售后组 whose chat id is unknown.
	ctx := context.Background()
	if err := banzu.a.Bot.PostTeam(ctx, "presale", bot.Message{Markdown: "**早会提醒**\n9:30 开始"}); err != nil {
		t.Fatal(err)
	}
	if err := banzu.a.Bot.PostTeam(ctx, "presale", bot.Message{Text: "请补填昨日数据", Mentions: []string{"xiaowang"}}); err != nil {
		t.Fatal(err)
	}
	if err := banzu.a.Bot.PostTeam(ctx, "aftersale", bot.Message{Markdown: "售后组 周报已生成"}); err != nil {
		t.Fatal(err)
	}
	banzu.drain()
	if n := len(qy.callsTo("/cgi-bin/webhook/send")); n != 3 {
		t.Fatalf("webhook sends: %d, want 3", n)
	}
	// Each webhook delivers in order; the two webhooks are independent.
	presale, aftersale := qy.webhookSends("key-presale"), qy.webhookSends("key-aftersale")
	if len(presale) != 2 || len(aftersale) != 1 {
		t.Fatalf("webhook sends: 售前组 %+v, 售后组 %+v", presale, aftersale)
	}
	if s := presale[0]; s.Body["msgtype"] != "markdown" || qyStr(s.Body, "markdown", "content") != "**早会提醒**\n9:30 开始" {
		t.Errorf("scheduled markdown: %+v", s)
	}
	if s := presale[1]; s.Body["msgtype"] != "text" || qyStr(s.Body, "text", "content") != "请补填昨日数据" ||
		fmt.Sprint(s.Body["text"].(map[string]any)["mentioned_list"]) != "[qw-xiaowang]" {
		t.Errorf("scheduled text with a mention: %+v", s)
	}
	if s := aftersale[0]; qyStr(s.Body, "markdown", "content") != "售后组 周报已生成" {
		t.Errorf("post to 售后组: %+v", s)
	}

	// A file into 售前组: upload_media with the webhook key, then a file message.
	workbook := []byte("PK\x03\x04 fake xlsx bytes")
	if err := banzu.a.Bot.PostTeam(ctx, "presale", bot.Message{File: &bot.File{Name: "售前组周报.xlsx", Data: workbook}}); err != nil {
		t.Fatal(err)
	}
	banzu.drain()
	ups := qy.callsTo("/cgi-bin/webhook/upload_media")
	if len(ups) != 1 || ups[0].Query.Get("key") != "key-presale" || ups[0].Query.Get("type") != "file" ||
		ups[0].Field != "media" || ups[0].FileName != "售前组周报.xlsx" || !bytes.Equal(ups[0].FileData, workbook) {
		t.Fatalf("upload_media: %+v", ups)
	}
	presale = qy.webhookSends("key-presale")
	if len(presale) != 3 || presale[2].Body["msgtype"] != "file" || qyStr(presale[2].Body, "file", "media_id") != "hook-media-1" {
		t.Fatalf("file message: %+v", presale[len(presale)-1])
	}

	// A file to the manager: the self-built app's media/upload, then message/send.
	if err := banzu.a.Bot.SendMember(ctx, "zhao", bot.Message{File: &bot.File{Name: "团队月报.xlsx", Data: workbook}}); err != nil {
		t.Fatal(err)
	}
	banzu.drain()
	if toks := qy.callsTo("/cgi-bin/gettoken"); len(toks) != 1 {
		t.Errorf("gettoken calls: %d, want 1", len(toks))
	}
	mu := qy.callsTo("/cgi-bin/media/upload")
	if len(mu) != 1 || mu[0].Query.Get("access_token") != qyAppToken || mu[0].Query.Get("type") != "file" ||
		mu[0].Field != "media" || mu[0].FileName != "团队月报.xlsx" || !bytes.Equal(mu[0].FileData, workbook) {
		t.Fatalf("media/upload: %+v", mu)
	}
	ms := qy.callsTo("/cgi-bin/message/send")
	if len(ms) != 1 {
		t.Fatalf("message/send calls: %+v", ms)
	}
	if b := ms[0].Body; b["touser"] != "qw-zhao" || b["msgtype"] != "file" || b["agentid"] != float64(qyAgentID) || qyStr(b, "file", "media_id") != "app-media-2" {
		t.Errorf("message/send body: %v", b)
	}
	if n := banzu.a.Outbox.Counts()["dead"]; n != 0 {
		t.Errorf("%d messages dead-lettered", n)
	}
}
