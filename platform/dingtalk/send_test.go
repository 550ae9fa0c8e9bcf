package dingtalk

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

func newSendPlatform(t *testing.T, f *fakeAPI, teams []config.Team) (*Platform, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	p, err := New(testConfig(f.srv.URL), teams, Options{Logger: quietLogger(), Now: clock.Now, HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p, clock
}

// replyDest is the destination the core builds to answer a group message
// whose session webhook expires after ttl.
func replyDest(t *testing.T, p *Platform, f *fakeAPI, clock *fakeClock, ttl time.Duration) bot.Destination {
	t.Helper()
	ev, ok, err := p.parseMessage(messageBody(t, func(m map[string]any) {
		m["sessionWebhook"] = f.srv.URL + "/robot/sendBySession?session=s1"
		m["sessionWebhookExpiredTime"] = clock.Now().Add(ttl).UnixMilli()
	}))
	if err != nil || !ok {
		t.Fatalf("parse: ok=%v err=%v", ok, err)
	}
	return bot.Destination{Platform: "dingtalk", ChatID: ev.ChatID, Reply: ev.Reply}
}

func TestSendReplyThroughSessionWebhook(t *testing.T) {
	f := newFakeAPI(t)
	p, clock := newSendPlatform(t, f, nil)
	dest := replyDest(t, p, f, clock, 90*time.Minute)

	err := p.Send(context.Background(), dest, bot.Message{Markdown: "## 今日 KPI\n首响 18 秒\n满意度 96%", Mentions: []string{"staff-2"}})
	if err != nil {
		t.Fatal(err)
	}
	calls := f.callsTo("/robot/sendBySession")
	if len(calls) != 1 {
		t.Fatalf("webhook calls = %d", len(calls))
	}
	b := calls[0].Body
	md, _ := b["markdown"].(map[string]any)
	if b["msgtype"] != "markdown" || md["title"] != "今日 KPI" {
		t.Fatalf("body = %v", b)
	}
	wantText := "## 今日 KPI  \n首响 18 秒  \n满意度 96%  \n  \n@staff-2"
	if md["text"] != wantText {
		t.Fatalf("text = %q, want %q", md["text"], wantText)
	}
	at, _ := b["at"].(map[string]any)
	if !reflect.DeepEqual(at["atUserIds"], []any{"staff-2"}) {
		t.Fatalf("at = %v", b["at"])
	}
	if calls[0].Query["session"][0] != "s1" {
		t.Fatalf("query = %v", calls[0].Query)
	}
	if n := f.tokenRequests(); n != 0 {
		t.Fatalf("token requests = %d, want 0 for a session webhook", n)
	}

	// Plain text goes as msgtype text.
	if err := p.Send(context.Background(), dest, bot.Message{Text: "收到"}); err != nil {
		t.Fatal(err)
	}
	b = f.callsTo("/robot/sendBySession")[1].Body
	if b["msgtype"] != "text" || b["text"].(map[string]any)["content"] != "收到" || b["at"] != nil {
		t.Fatalf("text body = %v", b)
	}
}

func checkGroupSend(t *testing.T, c call, wantOCID, wantKey string) {
	t.Helper()
	if !strings.HasPrefix(c.Token, "tok-") {
		t.Fatalf("token header = %q", c.Token)
	}
	if c.Body["robotCode"] != "ding-robot" || c.Body["openConversationId"] != wantOCID || c.Body["msgKey"] != wantKey {
		t.Fatalf("group send body = %v", c.Body)
	}
}

func TestSendExpiredWebhookByTimeUsesOpenAPI(t *testing.T) {
	f := newFakeAPI(t)
	p, clock := newSendPlatform(t, f, nil)
	dest := replyDest(t, p, f, clock, 30*time.Second) // inside the 1-minute margin

	if err := p.Send(context.Background(), dest, bot.Message{Markdown: "**完成**", Title: "通知"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsTo("/robot/sendBySession")); n != 0 {
		t.Fatalf("expired webhook was called %d times", n)
	}
	calls := f.callsTo(pathGroupSend)
	if len(calls) != 1 {
		t.Fatalf("group sends = %d", len(calls))
	}
	checkGroupSend(t, calls[0], "cidGroupA==", "sampleMarkdown")
	if calls[0].Param["title"] != "通知" || calls[0].Param["text"] != "**完成**" {
		t.Fatalf("msgParam = %v", calls[0].Param)
	}
}

func TestSendExpiredWebhookByErrcodeFallsBack(t *testing.T) {
	f := newFakeAPI(t)
	f.on("/robot/sendBySession", func(w http.ResponseWriter, c call) bool {
		return respond(w, http.StatusOK, `{"errcode":300001,"errmsg":"session is expired"}`)
	})
	p, clock := newSendPlatform(t, f, nil)
	dest := replyDest(t, p, f, clock, time.Hour)

	if err := p.Send(context.Background(), dest, bot.Message{Text: "你好", Mentions: []string{"staff-9"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsTo("/robot/sendBySession")); n != 1 {
		t.Fatalf("webhook calls = %d", n)
	}
	calls := f.callsTo(pathGroupSend)
	if len(calls) != 1 {
		t.Fatalf("group sends = %d", len(calls))
	}
	checkGroupSend(t, calls[0], "cidGroupA==", "sampleText")
	if calls[0].Param["content"] != "你好\n\n@staff-9" {
		t.Fatalf("msgParam = %v", calls[0].Param)
	}
}

func TestSendWebhookThrottledFallsBack(t *testing.T) {
	f := newFakeAPI(t)
	f.on("/robot/sendBySession", func(w http.ResponseWriter, c call) bool {
		return respond(w, http.StatusOK, `{"errcode":130101,"errmsg":"send too fast"}`)
	})
	p, clock := newSendPlatform(t, f, nil)
	if err := p.Send(context.Background(), replyDest(t, p, f, clock, time.Hour), bot.Message{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsTo(pathGroupSend)); n != 1 {
		t.Fatalf("group sends = %d", n)
	}
}

func TestSendSingleChatFallsBackToDirectMessage(t *testing.T) {
	f := newFakeAPI(t)
	p, clock := newSendPlatform(t, f, nil)
	ev, _, err := p.parseMessage(messageBody(t, func(m map[string]any) {
		m["conversationType"] = "1"
		m["conversationId"] = "cidSingle"
		m["sessionWebhookExpiredTime"] = clock.Now().Add(-time.Minute).UnixMilli()
	}))
	if err != nil {
		t.Fatal(err)
	}
	dest := bot.Destination{ChatID: ev.ChatID, Reply: ev.Reply}
	if err := p.Send(context.Background(), dest, bot.Message{Text: "好的"}); err != nil {
		t.Fatal(err)
	}
	calls := f.callsTo(pathOtoSend)
	if len(calls) != 1 || !reflect.DeepEqual(calls[0].Body["userIds"], []any{"staff-1"}) {
		t.Fatalf("batchSend calls = %+v", calls)
	}
	if len(f.callsTo(pathGroupSend)) != 0 {
		t.Fatal("a single chat reply went to groupMessages/send")
	}
	if key, _, _ := p.PaceKey(dest); key != "dingtalk:user:staff-1" {
		t.Fatalf("pace key %q", key)
	}
}

func TestSendSplitsLongMarkdown(t *testing.T) {
	f := newFakeAPI(t)
	p, _ := newSendPlatform(t, f, nil)
	var lines []string
	for i := 0; i < 120; i++ {
		lines = append(lines, strings.Repeat("客服", 50)+"\"引号\"") // ~310 bytes, escaped quotes
	}
	md := strings.Join(lines, "\n")
	if err := p.Send(context.Background(), bot.Destination{ChatID: "cidGroupA=="}, bot.Message{Markdown: md, Title: "周报"}); err != nil {
		t.Fatal(err)
	}
	calls := f.callsTo(pathGroupSend)
	if len(calls) < 3 {
		t.Fatalf("parts = %d, want at least 3 for %d bytes", len(calls), len(md))
	}
	var got []string
	for i, c := range calls {
		if n := len(c.Body["msgParam"].(string)); n > maxMsgParamBytes {
			t.Fatalf("part %d msgParam is %d bytes", i, n)
		}
		wantTitle := "周报（" + string(rune('1'+i)) + "/" + string(rune('0'+len(calls))) + "）"
		if c.Param["title"] != wantTitle {
			t.Fatalf("part %d title %q, want %q", i, c.Param["title"], wantTitle)
		}
		text := c.Param["text"].(string)
		got = append(got, strings.Split(text, "  \n")...)
	}
	if !reflect.DeepEqual(got, lines) {
		t.Fatalf("reassembled %d lines, want %d, content differs", len(got), len(lines))
	}
}

func TestSendFileToGroup(t *testing.T) {
	f := newFakeAPI(t)
	teams := []config.Team{{ID: "t1", DingTalk: config.TeamDingTalk{OpenConversationID: "cidConfigured"}}}
	p, _ := newSendPlatform(t, f, teams)
	file := &bot.File{Name: "客服周报.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: []byte("PK\x03\x04 workbook")}
	// The team's configured conversation wins over the chat id.
	dest := bot.Destination{TeamID: "t1", ChatID: "cidLearned"}
	if err := p.Send(context.Background(), dest, bot.Message{File: file}); err != nil {
		t.Fatal(err)
	}
	ups := f.callsTo(pathMediaUpload)
	if len(ups) != 1 {
		t.Fatalf("uploads = %d", len(ups))
	}
	u := ups[0]
	if u.Query["access_token"][0] != "tok-1" || u.Query["type"][0] != "file" {
		t.Fatalf("upload query = %v", u.Query)
	}
	if u.Upload.FieldName != "media" || u.Upload.FileName != "客服周报.xlsx" || string(u.Upload.Data) != string(file.Data) || u.Upload.Type != "file" {
		t.Fatalf("upload = %+v", u.Upload)
	}
	sends := f.callsTo(pathGroupSend)
	if len(sends) != 1 {
		t.Fatalf("group sends = %d", len(sends))
	}
	checkGroupSend(t, sends[0], "cidConfigured", "sampleFile")
	want := map[string]any{"mediaId": "@lAz-media", "fileName": "客服周报.xlsx", "fileType": "xlsx"}
	if !reflect.DeepEqual(sends[0].Param, want) {
		t.Fatalf("msgParam = %v", sends[0].Param)
	}
	if key, n, per := p.PaceKey(dest); key != "dingtalk:group:cidConfigured" || n != 20 || per != time.Minute {
		t.Fatalf("PaceKey = %q %d %v", key, n, per)
	}
}

func TestSendDirectMessage(t *testing.T) {
	f := newFakeAPI(t)
	p, _ := newSendPlatform(t, f, nil)
	dest := bot.Destination{UserID: "manager-1"}
	file := &bot.File{Name: "report.pdf", Data: []byte("%PDF")}
	if err := p.Send(context.Background(), dest, bot.Message{Text: "本周报表见附件", File: file}); err != nil {
		t.Fatal(err)
	}
	calls := f.callsTo(pathOtoSend)
	if len(calls) != 2 {
		t.Fatalf("batchSend calls = %d", len(calls))
	}
	for _, c := range calls {
		if c.Body["robotCode"] != "ding-robot" || !reflect.DeepEqual(c.Body["userIds"], []any{"manager-1"}) || !strings.HasPrefix(c.Token, "tok-") {
			t.Fatalf("batchSend body = %v token %q", c.Body, c.Token)
		}
	}
	if calls[0].Body["msgKey"] != "sampleText" || calls[0].Param["content"] != "本周报表见附件" {
		t.Fatalf("first = %v", calls[0].Body)
	}
	if calls[1].Body["msgKey"] != "sampleFile" || calls[1].Param["fileType"] != "pdf" {
		t.Fatalf("second = %v", calls[1].Body)
	}
	if len(f.callsTo(pathGroupSend)) != 0 {
		t.Fatal("direct message went to a group")
	}
	if key, _, _ := p.PaceKey(dest); key != "dingtalk:user:manager-1" {
		t.Fatalf("pace key %q", key)
	}
}

func TestSessionWebhookOnForeignHostIgnored(t *testing.T) {
	f := newFakeAPI(t)
	p, clock := newSendPlatform(t, f, nil)
	dest := replyDest(t, p, f, clock, time.Hour)
	dest.Reply[ReplySessionWebhook] = "http://169.254.169.254/latest/meta-data"
	if err := p.Send(context.Background(), dest, bot.Message{Text: "a"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsTo(pathGroupSend)); n != 1 {
		t.Fatalf("group sends = %d, want the OpenAPI fallback", n)
	}
}

// OnlyFor (a card update for the clicker, a private result) goes to those
// users directly: DingTalk's robot cannot show a group message to some
// members only, nor update a sent card.
func TestSendOnlyForIsPrivate(t *testing.T) {
	f := newFakeAPI(t)
	p, _ := newSendPlatform(t, f, nil)
	card := &bot.Card{ID: "quiz:1", Title: "第 1 题 · 已作答", Options: []bot.CardOption{{ID: "A", Label: "A. 买家"}}}
	if err := p.Send(context.Background(), bot.Destination{ChatID: "cidGroupA=="},
		bot.Message{Card: card, Update: true, OnlyFor: []string{"staff-1", "staff-2"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsTo(pathGroupSend)); n != 0 {
		t.Fatalf("%d group posts for a message only for two users", n)
	}
	oto := f.callsTo(pathOtoSend)
	if len(oto) != 1 || fmt.Sprint(oto[0].Body["userIds"]) != "[staff-1 staff-2]" || oto[0].Body["msgKey"] != keyMarkdown {
		t.Fatalf("batchSend: %+v", oto)
	}
}

// robot_code defaults to client_id: an internal app robot's robotCode is
// its AppKey.
func TestRobotCodeDefaultsToClientID(t *testing.T) {
	f := newFakeAPI(t)
	cfg := testConfig(f.srv.URL)
	cfg.RobotCode = ""
	p, err := New(cfg, nil, Options{Logger: quietLogger(), HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Send(context.Background(), bot.Destination{UserID: "staff-1"}, bot.Message{Text: "你好"}); err != nil {
		t.Fatal(err)
	}
	if oto := f.callsTo(pathOtoSend); len(oto) != 1 || oto[0].Body["robotCode"] != "ding-client" {
		t.Fatalf("batchSend: %+v", oto)
	}
	lines := strings.Join(Check(cfg, nil), "\n")
	if !strings.Contains(lines, "robot_code 使用 client_id") {
		t.Errorf("config check: %s", lines)
	}
	cfg.RobotCode = "ding-other"
	if lines := strings.Join(Check(cfg, nil), "\n"); strings.Contains(lines, "robot_code") {
		t.Errorf("config check with its own robot_code: %s", lines)
	}
}
