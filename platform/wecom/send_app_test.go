package wecom

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot"
)

func TestSendFileToUserThroughApp(t *testing.T) {
	api := newFakeAPI(t, func(c call, n int) (int, string) {
		switch c.Path {
		case "/cgi-bin/gettoken":
			return 200, `{"errcode":0,"errmsg":"ok","access_token":"TOKEN1","expires_in":7200}`
		case "/cgi-bin/media/upload":
			return 200, `{"errcode":0,"errmsg":"","type":"file","media_id":"APPMEDIA","created_at":"1380000000"}`
		}
		return 200, `{"errcode":0,"errmsg":"ok","invaliduser":""}`
	})
	p := newTestPlatform(t, api.URL, nil)
	msg := bot.Message{Markdown: "本周 KPI 报表见附件", File: &bot.File{Name: `C:\tmp\"周报".xlsx`, Data: []byte("xlsx-bytes")}}
	if err := p.Send(ctx, bot.Destination{UserID: "m-boss"}, msg); err != nil {
		t.Fatal(err)
	}
	calls := api.got()
	paths := []string{}
	for _, c := range calls {
		paths = append(paths, c.Path)
	}
	if strings.Join(paths, " ") != "/cgi-bin/gettoken /cgi-bin/message/send /cgi-bin/media/upload /cgi-bin/message/send" {
		t.Fatalf("paths %v", paths)
	}
	tok := calls[0]
	if tok.Method != http.MethodGet || tok.Query.Get("corpid") != "wwcorp" || tok.Query.Get("corpsecret") != "corp-secret" {
		t.Fatalf("gettoken %+v", tok)
	}
	caption, up, file := calls[1], calls[2], calls[3]
	if caption.Query.Get("access_token") != "TOKEN1" || str(caption.Body, "touser") != "WangJingLi" ||
		caption.Body["agentid"] != float64(1000002) || str(caption.Body, "msgtype") != "markdown" ||
		str(caption.Body, "markdown", "content") != "本周 KPI 报表见附件" {
		t.Fatalf("caption %+v", caption)
	}
	if up.Query.Get("access_token") != "TOKEN1" || up.Query.Get("type") != "file" || up.Field != "media" ||
		up.FileName != "周报.xlsx" || up.FileData != "xlsx-bytes" {
		t.Fatalf("upload %+v", up)
	}
	if str(file.Body, "touser") != "WangJingLi" || file.Body["agentid"] != float64(1000002) ||
		str(file.Body, "msgtype") != "file" || str(file.Body, "file", "media_id") != "APPMEDIA" {
		t.Fatalf("file message %+v", file)
	}
}

func TestSendAppTokenRefetchedOnce(t *testing.T) {
	tokens := 0
	api := newFakeAPI(t, func(c call, n int) (int, string) {
		switch {
		case c.Path == "/cgi-bin/gettoken":
			tokens++
			if tokens == 1 {
				return 200, `{"errcode":0,"access_token":"STALE","expires_in":7200}`
			}
			return 200, `{"errcode":0,"access_token":"FRESH","expires_in":7200}`
		case c.Query.Get("access_token") == "STALE":
			return 200, `{"errcode":40014,"errmsg":"invalid access_token"}`
		}
		return 200, `{"errcode":0}`
	})
	p := newTestPlatform(t, api.URL, nil)
	if err := p.Send(ctx, bot.Destination{UserID: "zhaoliu"}, bot.Message{Text: "你好"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range api.got() {
		got = append(got, c.Path+"?"+c.Query.Get("access_token"))
	}
	want := "/cgi-bin/gettoken? /cgi-bin/message/send?STALE /cgi-bin/gettoken? /cgi-bin/message/send?FRESH"
	if strings.Join(got, " ") != want {
		t.Fatalf("calls %v\nwant %s", got, want)
	}
	// The fresh token is cached: the next send fetches none.
	if err := p.Send(ctx, bot.Destination{UserID: "zhaoliu"}, bot.Message{Text: "再见"}); err != nil {
		t.Fatal(err)
	}
	if tokens != 2 {
		t.Fatalf("%d gettoken calls", tokens)
	}
}

func TestSendAppTokenRejectedTwice(t *testing.T) {
	api := newFakeAPI(t, func(c call, n int) (int, string) {
		if c.Path == "/cgi-bin/gettoken" {
			return 200, `{"errcode":0,"access_token":"T","expires_in":7200}`
		}
		return 200, `{"errcode":42001,"errmsg":"access_token expired"}`
	})
	p := newTestPlatform(t, api.URL, nil)
	err := p.Send(ctx, bot.Destination{UserID: "u"}, bot.Message{Text: "x"})
	var re *bot.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("err %v", err)
	}
	if n := len(api.got()); n != 4 { // token, send, token, send: one retry only
		t.Fatalf("%d calls", n)
	}
}
