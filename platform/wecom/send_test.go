package wecom

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
)

var ctx = context.Background()

// replyDest is a reply to a message received at `at` in team t1's group.
func replyDest(url string, at time.Time) bot.Destination {
	return bot.Destination{Platform: "wecom", ChatID: "wrkChat1", Reply: map[string]string{
		ReplyURLKey: url, ReplyReceivedKey: at.UTC().Format(time.RFC3339Nano)}}
}

func TestSendReplyToResponseURL(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newTestPlatform(t, api.URL, nil)
	dest := replyDest(api.URL+"/cgi-bin/aibot/response?response_code=RC1", testNow.Add(-10*time.Minute))
	if err := p.Send(ctx, dest, bot.Message{Markdown: "**今日排班**\n- 小王 早班"}); err != nil {
		t.Fatal(err)
	}
	calls := api.got()
	if len(calls) != 1 {
		t.Fatalf("calls %+v", calls)
	}
	c := calls[0]
	if c.Method != http.MethodPost || c.Path != "/cgi-bin/aibot/response" || c.Query.Get("response_code") != "RC1" ||
		str(c.Body, "msgtype") != "markdown" || str(c.Body, "markdown", "content") != "**今日排班**\n- 小王 早班" {
		t.Fatalf("call %+v", c)
	}
	// The url is spent: a second answer goes through the team's webhook.
	if err := p.Send(ctx, dest, bot.Message{Markdown: "补充"}); err != nil {
		t.Fatal(err)
	}
	calls = api.got()
	if len(calls) != 2 || calls[1].Path != "/cgi-bin/webhook/send" || calls[1].Query.Get("key") != "hook-1" ||
		str(calls[1].Body, "markdown", "content") != "补充" {
		t.Fatalf("second send %+v", calls[1:])
	}
}

func TestSendReplyFallsBackToWebhook(t *testing.T) {
	t.Run("expired", func(t *testing.T) {
		api := newFakeAPI(t, nil)
		p := newTestPlatform(t, api.URL, nil)
		dest := replyDest(api.URL+"/cgi-bin/aibot/response?response_code=OLD", testNow.Add(-61*time.Minute))
		dest.ChatID, dest.TeamID = "", "t1"
		if err := p.Send(ctx, dest, bot.Message{Text: "晚了"}); err != nil {
			t.Fatal(err)
		}
		calls := api.got()
		if len(calls) != 1 || calls[0].Path != "/cgi-bin/webhook/send" || calls[0].Query.Get("key") != "hook-1" ||
			str(calls[0].Body, "msgtype") != "text" || str(calls[0].Body, "text", "content") != "晚了" {
			t.Fatalf("calls %+v", calls)
		}
	})
	t.Run("failed", func(t *testing.T) {
		api := newFakeAPI(t, func(c call, n int) (int, string) {
			if strings.HasPrefix(c.Path, "/cgi-bin/aibot/") {
				return 200, `{"errcode":60020,"errmsg":"response_url used"}`
			}
			return 200, `{"errcode":0}`
		})
		p := newTestPlatform(t, api.URL, nil)
		dest := replyDest(api.URL+"/cgi-bin/aibot/response?response_code=X", testNow)
		if err := p.Send(ctx, dest, bot.Message{Markdown: "答案"}); err != nil {
			t.Fatal(err)
		}
		calls := api.got()
		if len(calls) != 2 || calls[0].Path != "/cgi-bin/aibot/response" || calls[1].Path != "/cgi-bin/webhook/send" ||
			str(calls[1].Body, "markdown", "content") != "答案" {
			t.Fatalf("calls %+v", calls)
		}
	})
	t.Run("failed without webhook", func(t *testing.T) {
		api := newFakeAPI(t, func(c call, n int) (int, string) { return 502, "bad gateway" })
		p := newTestPlatform(t, api.URL, nil)
		dest := replyDest(api.URL+"/cgi-bin/aibot/response?response_code=Y", testNow)
		dest.ChatID = "wrkChat2" // team t2 has no webhook
		err := p.Send(ctx, dest, bot.Message{Markdown: "答案"})
		var re *bot.RetryError
		if !errors.As(err, &re) {
			t.Fatalf("err %v, want RetryError", err)
		}
		// The request never got an answer, so a retry may use the url again.
		api.reply = nil
		if err := p.Send(ctx, dest, bot.Message{Markdown: "答案"}); err != nil {
			t.Fatal(err)
		}
		if calls := api.got(); len(calls) != 2 || calls[1].Path != "/cgi-bin/aibot/response" {
			t.Fatalf("calls %+v", calls)
		}
	})
}

func TestSendLongMarkdownSplit(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newTestPlatform(t, api.URL, nil)
	var lines []string
	for i := range 300 {
		lines = append(lines, strings.Repeat("排", 5)+"第"+strings.Repeat("行", i%13)+"——"+string(rune('A'+i%26)))
	}
	md := strings.Join(lines, "\n")
	if err := p.Send(ctx, bot.Destination{TeamID: "t1"}, bot.Message{Markdown: md}); err != nil {
		t.Fatal(err)
	}
	calls := api.got()
	if len(calls) < 2 {
		t.Fatalf("%d calls, want a split", len(calls))
	}
	var parts []string
	for _, c := range calls {
		part := str(c.Body, "markdown", "content")
		if c.Path != "/cgi-bin/webhook/send" || c.Query.Get("key") != "hook-1" || str(c.Body, "msgtype") != "markdown" {
			t.Fatalf("call %+v", c)
		}
		if len(part) > 4096 || !utf8.ValidString(part) {
			t.Fatalf("part of %d bytes, valid utf8 %v", len(part), utf8.ValidString(part))
		}
		parts = append(parts, part)
	}
	if strings.Join(parts, "\n") != md {
		t.Fatal("parts joined by newlines differ from the original: order or line boundaries lost")
	}
}

func TestSplitLines(t *testing.T) {
	long := strings.Repeat("群", 3000) // 9000 bytes, no newline
	parts := splitLines(long, 4096)
	if strings.Join(parts, "") != long {
		t.Fatal("rune split lost content")
	}
	for _, p := range parts {
		if len(p) > 4096 || !utf8.ValidString(p) {
			t.Fatalf("bad part of %d bytes", len(p))
		}
	}
	if got := splitLines("a\n\n\nb", 2); strings.Join(got, "|") != "a|b" {
		t.Fatalf("blank parts kept: %q", got)
	}
	if got := splitLines("short", 4096); len(got) != 1 || got[0] != "short" {
		t.Fatalf("%q", got)
	}
	if got := splitLines("  \n ", 4096); len(got) != 0 {
		t.Fatalf("%q", got)
	}
}

func TestSendTextWithMentions(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newTestPlatform(t, api.URL, nil)
	dest := replyDest(api.URL+"/cgi-bin/aibot/response?response_code=M", testNow)
	if err := p.Send(ctx, dest, bot.Message{Text: "请尽快补交日报", Mentions: []string{"zhangsan", "lisi"}}); err != nil {
		t.Fatal(err)
	}
	calls := api.got()
	if len(calls) != 1 {
		t.Fatalf("calls %+v", calls)
	}
	c := calls[0]
	ml, _ := c.Body["text"].(map[string]any)["mentioned_list"].([]any)
	if c.Path != "/cgi-bin/webhook/send" || str(c.Body, "msgtype") != "text" || str(c.Body, "text", "content") != "请尽快补交日报" ||
		len(ml) != 2 || ml[0] != "zhangsan" || ml[1] != "lisi" {
		t.Fatalf("call %+v", c)
	}
}

func TestSendFileToGroup(t *testing.T) {
	api := newFakeAPI(t, func(c call, n int) (int, string) {
		if c.Path == "/cgi-bin/webhook/upload_media" {
			return 200, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"MEDIA1","created_at":"1380000000"}`
		}
		return 200, `{"errcode":0}`
	})
	p := newTestPlatform(t, api.URL, nil)
	file := &bot.File{Name: "reports/2026-03/客服KPI周报.xlsx", Data: []byte("PK\x03\x04 workbook")}
	if err := p.Send(ctx, bot.Destination{ChatID: "wrkChat1"}, bot.Message{File: file}); err != nil {
		t.Fatal(err)
	}
	calls := api.got()
	if len(calls) != 2 {
		t.Fatalf("calls %+v", calls)
	}
	up, send := calls[0], calls[1]
	if up.Method != http.MethodPost || up.Path != "/cgi-bin/webhook/upload_media" || up.Query.Get("key") != "hook-1" ||
		up.Query.Get("type") != "file" || up.Field != "media" || up.FileName != "客服KPI周报.xlsx" || up.FileData != string(file.Data) {
		t.Fatalf("upload %+v", up)
	}
	if send.Path != "/cgi-bin/webhook/send" || str(send.Body, "msgtype") != "file" || str(send.Body, "file", "media_id") != "MEDIA1" {
		t.Fatalf("send %+v", send)
	}
}

func TestSendErrors(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		retry     bool
		permanent bool
		after     time.Duration
	}{
		{"45009 rate limit", 200, `{"errcode":45009,"errmsg":"api freq out of limit"}`, true, false, time.Minute},
		{"45033 concurrency", 200, `{"errcode":45033,"errmsg":"api concurrent out of limit"}`, true, false, 5 * time.Second},
		{"http 503", 503, `oops`, true, false, 0},
		{"93000 bad key", 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`, false, true, 0},
		{"44004 empty", 200, `{"errcode":44004,"errmsg":"empty content"}`, false, true, 0},
		{"http 404", 404, `not found`, false, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, func(call, int) (int, string) { return tc.status, tc.body })
			p := newTestPlatform(t, api.URL, nil)
			err := p.Send(ctx, bot.Destination{TeamID: "t1"}, bot.Message{Markdown: "x"})
			if err == nil {
				t.Fatal("no error")
			}
			var re *bot.RetryError
			if errors.As(err, &re) != tc.retry || bot.IsPermanent(err) != tc.permanent {
				t.Fatalf("err %v: retry %v permanent %v", err, errors.As(err, &re), bot.IsPermanent(err))
			}
			if tc.retry && re.After != tc.after {
				t.Fatalf("After %v, want %v", re.After, tc.after)
			}
			if strings.Contains(err.Error(), "hook-1") {
				t.Fatalf("error leaks the webhook key: %v", err)
			}
		})
	}
}

func TestSendTimeoutIsRetry(t *testing.T) {
	release := make(chan struct{})
	api := newFakeAPI(t, func(call, int) (int, string) { <-release; return 200, `{"errcode":0}` })
	defer close(release)
	p := newTestPlatform(t, api.URL, nil)
	p.hc = &http.Client{Timeout: 50 * time.Millisecond}
	err := p.Send(ctx, bot.Destination{TeamID: "t1"}, bot.Message{Text: "x"})
	var re *bot.RetryError
	if !errors.As(err, &re) || strings.Contains(err.Error(), "hook-1") {
		t.Fatalf("err %v", err)
	}
}

func TestSendNoChannel(t *testing.T) {
	p := newTestPlatform(t, "http://unused", nil)
	for _, dest := range []bot.Destination{{ChatID: "wrkChat2"}, {TeamID: "nope"}, {}} {
		if err := p.Send(ctx, dest, bot.Message{Text: "x"}); !bot.IsPermanent(err) {
			t.Errorf("%+v: %v", dest, err)
		}
	}
	if err := p.Send(ctx, bot.Destination{TeamID: "t1"}, bot.Message{}); !bot.IsPermanent(err) {
		t.Errorf("empty message: %v", err)
	}
}

func TestSendCardAsLetters(t *testing.T) {
	api := newFakeAPI(t, nil)
	p := newTestPlatform(t, api.URL, nil)
	card := &bot.Card{ID: "q1", Title: "第 1 题", Text: "顾客催发货，首先应该？", Options: []bot.CardOption{{ID: "a", Label: "安抚并查询物流"}, {ID: "b", Label: "直接退款"}}}
	if err := p.Send(ctx, bot.Destination{TeamID: "t1"}, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	got := str(api.got()[0].Body, "markdown", "content")
	want := "**第 1 题**\n顾客催发货，首先应该？\nA. 安抚并查询物流\nB. 直接退款\n\n请 @我 并回复选项字母作答，如「@我 A」"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if OptionLetter(0) != "A" || OptionLetter(25) != "Z" || OptionLetter(26) != "AA" {
		t.Fatal("OptionLetter")
	}
}

func TestPaceKey(t *testing.T) {
	p := newTestPlatform(t, "http://unused", nil)
	cases := []struct {
		dest  bot.Destination
		key   string
		limit int
	}{
		{bot.Destination{TeamID: "t1"}, "wecom:webhook:" + keyTag("hook-1"), 20},
		{bot.Destination{ChatID: "wrkChat1"}, "wecom:webhook:" + keyTag("hook-1"), 20},
		{bot.Destination{UserID: "m-boss"}, "wecom:app:1000002:WangJingLi", 30},
		{replyDest("R", testNow), "wecom:reply:wrkChat1", 60},
		{bot.Destination{ChatID: "unknown"}, "wecom:none", 20},
	}
	for _, tc := range cases {
		key, limit, per := p.PaceKey(tc.dest)
		if strings.Contains(key, "hook-1") {
			t.Errorf("pace key %q reveals the webhook key (it is logged and stored)", key)
		}
		if key != tc.key || limit != tc.limit || per != time.Minute {
			t.Errorf("%+v: %s %d %v", tc.dest, key, limit, per)
		}
	}
}
