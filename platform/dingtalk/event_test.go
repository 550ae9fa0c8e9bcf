package dingtalk

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

func newParsePlatform(t testing.TB) *Platform {
	t.Helper()
	clock := newFakeClock()
	p, err := New(testConfig("https://api.dingtalk.com"), nil, Options{Logger: quietLogger(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseMessageGroupText(t *testing.T) {
	p := newParsePlatform(t)
	ev, ok, err := p.parseMessage(messageBody(t, nil))
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	want := bot.Event{
		Platform:   "dingtalk",
		ChatID:     "cidGroupA==",
		ChatType:   bot.ChatGroup,
		SenderID:   "staff-1",
		SenderName: "小王",
		Text:       "今日 KPI",
		Mentions:   []string{"staff-2"},
		Mentioned:  true,
		MessageID:  "msgABC123",
		Time:       time.UnixMilli(1772443200000),
		Reply: map[string]string{
			ReplySessionWebhook:   "https://oapi.dingtalk.com/robot/sendBySession?session=s1",
			ReplyWebhookExpiresMs: "1772448600000",
			ReplyConversationType: "2",
			ReplySenderID:         "staff-1",
		},
	}
	if !reflect.DeepEqual(ev, want) {
		t.Fatalf("event\n got %+v\nwant %+v", ev, want)
	}
}

func TestParseMessageVariants(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(m map[string]any)
		wantOK  bool
		wantErr bool
		check   func(t *testing.T, ev bot.Event)
	}{
		{"single chat", func(m map[string]any) { m["conversationType"] = "1"; delete(m, "atUsers") }, true, false,
			func(t *testing.T, ev bot.Event) {
				if ev.ChatType != bot.ChatSingle || ev.Mentions != nil || !ev.Mentioned {
					t.Fatalf("event %+v", ev)
				}
			}},
		{"rich text keeps text parts", func(m map[string]any) {
			m["msgtype"] = "richText"
			m["content"] = map[string]any{"richText": []map[string]string{{"text": " 看下 "}, {"downloadCode": "x", "type": "picture"}, {"text": "这个"}}}
		}, true, false, func(t *testing.T, ev bot.Event) {
			if ev.Text != "看下 这个" {
				t.Fatalf("text %q", ev.Text)
			}
		}},
		{"mentions: bot, duplicates and missing staff ids dropped", func(m map[string]any) {
			m["atUsers"] = []map[string]string{
				{"dingtalkId": "$:LWCP_v1:$bot", "staffId": "bot-staff"},
				{"dingtalkId": "a", "staffId": "s2"}, {"dingtalkId": "a", "staffId": "s2"},
				{"dingtalkId": "b"}, {"dingtalkId": "c", "staffId": "s3"},
			}
		}, true, false, func(t *testing.T, ev bot.Event) {
			if !reflect.DeepEqual(ev.Mentions, []string{"s2", "s3"}) {
				t.Fatalf("mentions %v", ev.Mentions)
			}
		}},
		{"external sender falls back to senderId", func(m map[string]any) { delete(m, "senderStaffId") }, true, false,
			func(t *testing.T, ev bot.Event) {
				if ev.SenderID != "$:LWCP_v1:$sender" {
					t.Fatalf("sender %q", ev.SenderID)
				}
			}},
		{"no createAt uses the clock", func(m map[string]any) { delete(m, "createAt") }, true, false,
			func(t *testing.T, ev bot.Event) {
				if !ev.Time.Equal(newFakeClock().Now()) {
					t.Fatalf("time %v", ev.Time)
				}
			}},
		{"no session webhook", func(m map[string]any) { delete(m, "sessionWebhook") }, true, false,
			func(t *testing.T, ev bot.Event) {
				if _, ok := ev.Reply[ReplySessionWebhook]; ok {
					t.Fatalf("reply %v", ev.Reply)
				}
			}},
		{"picture ignored", func(m map[string]any) { m["msgtype"] = "picture" }, false, false, nil},
		{"unknown conversation type", func(m map[string]any) { m["conversationType"] = "3" }, false, true, nil},
		{"missing conversationId", func(m map[string]any) { delete(m, "conversationId") }, false, true, nil},
		{"missing msgId", func(m map[string]any) { m["msgId"] = "" }, false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newParsePlatform(t)
			ev, ok, err := p.parseMessage(messageBody(t, tt.mutate))
			if (err != nil) != tt.wantErr || ok != tt.wantOK {
				t.Fatalf("ok=%v err=%v, want ok=%v err=%v", ok, err, tt.wantOK, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, ev)
			}
		})
	}
}

func TestLearnedConversationsOnlyGroups(t *testing.T) {
	p := newParsePlatform(t)
	if _, _, err := p.parseMessage(messageBody(t, func(m map[string]any) {
		m["conversationType"] = "1"
		m["conversationId"] = "cidSingle"
	})); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.parseMessage(messageBody(t, nil)); err != nil {
		t.Fatal(err)
	}
	got := p.LearnedConversations()
	if len(got) != 1 || got["cidGroupA=="].OpenConversationID != "cidGroupA==" {
		t.Fatalf("learned %+v", got)
	}
	got["x"] = Conversation{} // a copy: must not leak into the platform
	if len(p.LearnedConversations()) != 1 {
		t.Fatal("LearnedConversations returned the internal map")
	}
}

func TestConversationsEvictOldest(t *testing.T) {
	c := newConversations(2)
	base := time.Unix(0, 0)
	c.learn("a", "", base.Add(1))
	c.learn("b", "", base.Add(2))
	c.learn("c", "", base.Add(3))
	if _, ok := c.lookup("a"); ok {
		t.Fatal("oldest not evicted")
	}
	if len(c.snapshot()) != 2 {
		t.Fatalf("size %d", len(c.snapshot()))
	}
}

// FuzzEventBody checks that mapping any body never panics and that accepted
// events carry the fields the core relies on.
func FuzzEventBody(f *testing.F) {
	f.Add(messageBody(f, nil))
	f.Add(messageBody(f, func(m map[string]any) {
		m["msgtype"] = "richText"
		m["content"] = map[string]any{"richText": []any{map[string]any{"text": "a"}, 3, nil}}
	}))
	f.Add([]byte(`{"msgId":"1","conversationId":"c","conversationType":"1","msgtype":"text","atUsers":[null,{}]}`))
	f.Add([]byte(`{"headers":{"topic":1},"data":"{}"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"content":"x","msgtype":"richText","msgId":"m","conversationId":"c","conversationType":"2"}`))
	p := newParsePlatform(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, ok, err := p.parseMessage(body)
		if err != nil && ok {
			t.Fatal("ok with an error")
		}
		if ok && (ev.MessageID == "" || ev.ChatID == "" || ev.Reply == nil) {
			t.Fatalf("accepted event lacks fields: %+v", ev)
		}
		// The stream path wraps the same body in a frame.
		fr, _ := json.Marshal(frame{Type: frameCallback, Headers: frameHeaders{headerTopic: TopicBotMessage}, Data: string(body)})
		var back frame
		if json.Unmarshal(fr, &back) == nil {
			_ = ackFor(back)
		}
		var raw frame
		_ = json.Unmarshal(body, &raw)
		_ = ackFor(raw)
	})
}
