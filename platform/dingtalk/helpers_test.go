package dingtalk

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// eventSink collects events delivered to a handler.
type eventSink struct{ ch chan bot.Event }

func newEventSink() *eventSink { return &eventSink{ch: make(chan bot.Event, 16)} }

func (s *eventSink) handle(_ context.Context, ev bot.Event) error { s.ch <- ev; return nil }

func (s *eventSink) next(t *testing.T) bot.Event {
	t.Helper()
	select {
	case ev := <-s.ch:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event delivered")
		return bot.Event{}
	}
}

func (s *eventSink) none(t *testing.T, wait time.Duration) {
	t.Helper()
	select {
	case ev := <-s.ch:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(wait):
	}
}

// testConfig is a complete configuration pointing at base.
func testConfig(base string) config.DingTalk {
	return config.DingTalk{
		ClientID:     "ding-client",
		ClientSecret: "client-secret-for-test",
		RobotCode:    "ding-robot",
		APIBase:      base,
		OAPIBase:     base,
	}
}

// messageBody is a group text message as DingTalk sends it; mutate changes
// fields before encoding.
func messageBody(t testing.TB, mutate func(m map[string]any)) []byte {
	t.Helper()
	m := map[string]any{
		"conversationId":            "cidGroupA==",
		"atUsers":                   []map[string]string{{"dingtalkId": "$:LWCP_v1:$bot"}, {"dingtalkId": "$:LWCP_v1:$u2", "staffId": "staff-2"}},
		"chatbotCorpId":             "ding-corp",
		"chatbotUserId":             "$:LWCP_v1:$bot",
		"msgId":                     "msgABC123",
		"senderNick":                "小王",
		"isAdmin":                   false,
		"senderStaffId":             "staff-1",
		"sessionWebhookExpiredTime": int64(1772448600000),
		"createAt":                  int64(1772443200000),
		"senderCorpId":              "ding-corp",
		"conversationType":          "2",
		"senderId":                  "$:LWCP_v1:$sender",
		"conversationTitle":         "客服一组",
		"isInAtList":                true,
		"sessionWebhook":            "https://oapi.dingtalk.com/robot/sendBySession?session=s1",
		"text":                      map[string]string{"content": "  今日 KPI "},
		"robotCode":                 "ding-robot",
		"msgtype":                   "text",
	}
	if mutate != nil {
		mutate(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
