package wecom

import (
	"reflect"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

func TestDecodeEvent(t *testing.T) {
	recv := testNow
	cases := []struct {
		name string
		body string
		ok   bool
		want bot.Event // compared on the fields set below
	}{
		{
			name: "group text with mention",
			body: `{"msgid":"m1","aibotid":"b","chatid":"wrkChat1","chattype":"group","from":{"userid":"zhangsan"},"response_url":"https://x/r?c=1","msgtype":"text","text":{"content":"@班组助手 今日排班"}}`,
			ok:   true,
			want: bot.Event{Platform: "wecom", ChatID: "wrkChat1", ChatType: bot.ChatGroup, SenderID: "zhangsan", Text: "今日排班", MessageID: "m1", Time: recv,
				Reply: map[string]string{ReplyURLKey: "https://x/r?c=1", ReplyReceivedKey: "2026-03-02T09:30:00Z"}},
		},
		{
			name: "mention followed by U+2005",
			body: `{"msgid":"m2","chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"text","text":{"content":"@助手\u2005查 KPI"}}`,
			ok:   true,
			want: bot.Event{Platform: "wecom", ChatID: "c", ChatType: bot.ChatGroup, SenderID: "u", Text: "查 KPI", MessageID: "m2", Time: recv},
		},
		{
			name: "single chat is named by its user, create_time used",
			body: `{"msgid":"m3","chattype":"single","create_time":1700000000,"from":{"userid":"lisi"},"msgtype":"text","text":{"content":"帮助"}}`,
			ok:   true,
			want: bot.Event{Platform: "wecom", ChatID: "lisi", ChatType: bot.ChatSingle, SenderID: "lisi", Text: "帮助", MessageID: "m3", Time: time.Unix(1700000000, 0)},
		},
		{
			name: "mixed joins text items",
			body: `{"msgid":"m4","chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"@机器人 这是今日的测试情况"}},{"msgtype":"image","image":{"url":"U"}},{"msgtype":"text","text":{"content":"请看"}}]}}`,
			ok:   true,
			want: bot.Event{Platform: "wecom", ChatID: "c", ChatType: bot.ChatGroup, SenderID: "u", Text: "这是今日的测试情况\n请看", MessageID: "m4", Time: recv},
		},
		{
			name: "quote keeps the new text",
			body: `{"msgid":"m5","chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"text","text":{"content":"@机器人 A"},"quote":{"msgtype":"text","text":{"content":"第 3 题：……"}}}`,
			ok:   true,
			want: bot.Event{Platform: "wecom", ChatID: "c", ChatType: bot.ChatGroup, SenderID: "u", Text: "A", MessageID: "m5", Time: recv},
		},
		{
			name: "button click",
			body: `{"msgid":"e1","create_time":1700000000,"aibotid":"b","chatid":"c","chattype":"group","from":{"userid":"u"},"response_url":"R","msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"card_type":"button_interaction","event_key":"opt-b","task_id":"quiz-7","selected_items":{"selected_item":[{"question_key":"k","option_ids":{"option_id":["x"]}}]}}}}`,
			ok:   true,
			want: bot.Event{Platform: "wecom", ChatID: "c", ChatType: bot.ChatGroup, SenderID: "u", MessageID: "e1", Time: time.Unix(1700000000, 0),
				Reply:  map[string]string{ReplyURLKey: "R", ReplyReceivedKey: "2026-03-02T09:30:00Z"},
				Action: &bot.CardAction{CardID: "quiz-7", OptionID: []string{"opt-b"}}},
		},
		{
			name: "vote submit",
			body: `{"msgid":"e2","chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"card_type":"vote_interaction","event_key":"submit","task_id":"quiz-8","selected_items":{"selected_item":[{"question_key":"q","option_ids":{"option_id":["one","two"]}}]}}}}`,
			ok:   true,
			want: bot.Event{Platform: "wecom", ChatID: "c", ChatType: bot.ChatGroup, SenderID: "u", MessageID: "e2", Time: recv,
				Action: &bot.CardAction{CardID: "quiz-8", OptionID: []string{"one", "two"}}},
		},
		{name: "image is ignored", body: `{"msgid":"i","chattype":"single","from":{"userid":"u"},"msgtype":"image","image":{"url":"U"}}`},
		{name: "enter_chat is ignored", body: `{"msgid":"i","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"enter_chat"}}`},
		{name: "only a mention", body: `{"msgid":"i","chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"text","text":{"content":"@机器人"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, ok, err := DecodeEvent([]byte(tc.body), recv)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			tc.want.Mentioned = true // the robot only receives what is addressed to it
			if !reflect.DeepEqual(ev, tc.want) {
				t.Errorf("got  %+v\nwant %+v", ev, tc.want)
			}
		})
	}
}

func TestDecodeEventErrors(t *testing.T) {
	for _, body := range []string{``, `{`, `[]`, `{"msgtype":"text","text":{"content":"x"}}`, `{"msgid":1}`} {
		if _, _, err := DecodeEvent([]byte(body), testNow); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
}

func TestStripMention(t *testing.T) {
	for in, want := range map[string]string{
		"@班组助手 今日排班":    "今日排班",
		"  @bot   hi  ": "hi",
		"no mention":    "no mention",
		"@bot":          "",
		"@bot\u2005A":   "A",
		"email a@b.c":   "email a@b.c",
	} {
		if got := StripMention(in); got != want {
			t.Errorf("StripMention(%q) = %q, want %q", in, got, want)
		}
	}
}
