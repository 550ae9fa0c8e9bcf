package wecom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

func TestCallbackURLVerification(t *testing.T) {
	s := newSink()
	p := newTestPlatform(t, "http://unused", s.handle)
	echo, _ := p.crypt.encrypt([]byte("1616140317555161061"))
	q := url.Values{"msg_signature": {p.crypt.signature("1409659589", "263014780", echo)},
		"timestamp": {"1409659589"}, "nonce": {"263014780"}, "echostr": {echo}}
	w := serve(p, httptest.NewRequest(http.MethodGet, "/wecom/aibot?"+q.Encode(), nil))
	if w.Code != http.StatusOK || w.Body.String() != "1616140317555161061" {
		t.Fatalf("got %d %q", w.Code, w.Body.String())
	}
	// An unescaped '+' of base64 decodes to a space and must still verify.
	for !strings.Contains(echo, "+") {
		echo, _ = p.crypt.encrypt([]byte("1616140317555161061"))
	}
	raw := "/wecom/aibot?msg_signature=" + p.crypt.signature("1409659589", "263014780", echo) +
		"&timestamp=1409659589&nonce=263014780&echostr=" + strings.ReplaceAll(url.QueryEscape(echo), "%2B", "+")
	if w := serve(p, httptest.NewRequest(http.MethodGet, raw, nil)); w.Code != http.StatusOK || w.Body.String() != "1616140317555161061" {
		t.Fatalf("unescaped '+': got %d %q", w.Code, w.Body.String())
	}
	q.Set("msg_signature", strings.Repeat("0", 40))
	if w := serve(p, httptest.NewRequest(http.MethodGet, "/wecom/aibot?"+q.Encode(), nil)); w.Code != http.StatusForbidden {
		t.Errorf("forged GET: %d", w.Code)
	}
	if w := serve(p, httptest.NewRequest(http.MethodGet, "/wecom/aibot?echostr=x", nil)); w.Code != http.StatusBadRequest {
		t.Errorf("missing params: %d", w.Code)
	}
	s.none(t)
}

const groupText = `{"msgid":"CAIQ16HMjQYY","aibotid":"AIBOTID","chatid":"wrkChat1","chattype":"group","from":{"userid":"zhangsan"},"response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC","msgtype":"text","text":{"content":"@班组助手 今日排班"}}`

func TestCallbackMessage(t *testing.T) {
	s := newSink()
	p := newTestPlatform(t, "http://unused", s.handle)
	w := serve(p, signedPost(t, p, groupText))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("got %d %q, want 200 and an empty body", w.Code, w.Body.String())
	}
	evs := s.wait(t, 1)
	s.none(t)
	ev := evs[0]
	if ev.Platform != "wecom" || ev.Text != "今日排班" || ev.ChatID != "wrkChat1" || ev.ChatType != bot.ChatGroup ||
		ev.SenderID != "zhangsan" || ev.MessageID != "CAIQ16HMjQYY" || !ev.Time.Equal(testNow) {
		t.Errorf("event %+v", ev)
	}
	if ev.Reply[ReplyURLKey] != "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC" ||
		ev.Reply[ReplyReceivedKey] != "2026-03-02T09:30:00Z" {
		t.Errorf("reply %v", ev.Reply)
	}
}

func TestCallbackReplayEmittedAgain(t *testing.T) {
	s := newSink()
	p := newTestPlatform(t, "http://unused", s.handle)
	for range 2 {
		if w := serve(p, signedPost(t, p, groupText)); w.Code != http.StatusOK {
			t.Fatalf("got %d", w.Code)
		}
	}
	evs := s.wait(t, 2)
	if evs[0].MessageID != evs[1].MessageID || evs[0].MessageID == "" {
		t.Fatalf("replay ids %q %q: the core de-duplicates on equal MessageID", evs[0].MessageID, evs[1].MessageID)
	}
}

func TestCallbackCardEvent(t *testing.T) {
	s := newSink()
	p := newTestPlatform(t, "http://unused", s.handle)
	body := `{"msgid":"ev1","create_time":1700000000,"aibotid":"B","from":{"userid":"lisi"},"chatid":"wrkChat1","chattype":"group","response_url":"R","msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"card_type":"vote_interaction","event_key":"submit","task_id":"quiz-42","selected_items":{"selected_item":[{"question_key":"q1","option_ids":{"option_id":["b","d"]}}]}}}}`
	if w := serve(p, signedPost(t, p, body)); w.Code != http.StatusOK {
		t.Fatalf("got %d", w.Code)
	}
	ev := s.wait(t, 1)[0]
	if ev.Action == nil || ev.Action.CardID != "quiz-42" || strings.Join(ev.Action.OptionID, ",") != "b,d" || ev.SenderID != "lisi" {
		t.Fatalf("event %+v action %+v", ev, ev.Action)
	}
}

func TestCallbackRejects(t *testing.T) {
	s := newSink()
	p := newTestPlatform(t, "http://unused", s.handle)
	good, _ := p.crypt.encrypt([]byte(groupText))
	badPad := mustB64(t, good)
	badPad[len(badPad)-1] ^= 0x55
	notJSON, _ := p.crypt.encrypt([]byte(`{"msgid": nope`))
	cases := []struct {
		name string
		req  *http.Request
		code int
	}{
		{"forged signature", func() *http.Request {
			r := signedPost(t, p, groupText)
			q := r.URL.Query()
			q.Set("msg_signature", strings.Repeat("a", 40))
			r.URL.RawQuery = q.Encode()
			return r
		}(), http.StatusForbidden},
		{"missing signature", httptest.NewRequest(http.MethodPost, "/wecom/aibot?timestamp=1&nonce=2", strings.NewReader(`{"encrypt":"`+good+`"}`)), http.StatusBadRequest},
		{"missing everything", httptest.NewRequest(http.MethodPost, "/wecom/aibot", strings.NewReader(`{"encrypt":"`+good+`"}`)), http.StatusBadRequest},
		{"envelope not JSON", signedEnvelope(p, good, `encrypt=`+good), http.StatusBadRequest},
		{"envelope without encrypt", signedEnvelope(p, "", `{"msg":"x"}`), http.StatusBadRequest},
		{"bad base64", signedEnvelope(p, "@@@@", `{"encrypt":"@@@@"}`), http.StatusBadRequest},
		{"bad padding", signedEnvelope(p, b64(badPad), `{"encrypt":"`+b64(badPad)+`"}`), http.StatusBadRequest},
		{"plaintext not JSON", signedEnvelope(p, notJSON, `{"encrypt":"`+notJSON+`"}`), http.StatusBadRequest},
		{"oversized body", signedEnvelope(p, good, `{"encrypt":"`+good+`","pad":"`+strings.Repeat("x", 1<<20)+`"}`), http.StatusRequestEntityTooLarge},
		{"PUT", httptest.NewRequest(http.MethodPut, "/wecom/aibot", nil), http.StatusMethodNotAllowed},
	}
	for _, tc := range cases {
		if w := serve(p, tc.req); w.Code != tc.code {
			t.Errorf("%s: got %d, want %d", tc.name, w.Code, tc.code)
		}
	}
	s.none(t)
}

func TestCallbackNotConfigured(t *testing.T) {
	p, err := New(testPlatformConfigWithoutAIBot(), nil, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if w := serve(p, httptest.NewRequest(http.MethodPost, "/wecom/aibot", strings.NewReader(`{}`))); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("got %d", w.Code)
	}
}

// TestCallbackNotStoredIsRefused: a callback whose event could not be stored
// is answered 503, so WeCom sends it again; 200 only once it is stored.
func TestCallbackNotStoredIsRefused(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	var stored atomic.Int64
	p, err := New(testPlatformConfig(), nil, Options{
		Handle: func(context.Context, bot.Event) error {
			if fail.Load() {
				return errors.New("store down")
			}
			stored.Add(1)
			return nil
		},
		Logger: quietLog,
		Now:    func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if code := serve(p, signedPost(t, p, groupText)).Code; code != http.StatusServiceUnavailable {
		t.Fatalf("store down: got %d, want 503", code)
	}
	fail.Store(false)
	if code := serve(p, signedPost(t, p, groupText)).Code; code != http.StatusOK {
		t.Fatalf("store back: got %d, want 200", code)
	}
	if n := stored.Load(); n != 1 {
		t.Fatalf("%d events stored, want 1", n)
	}
}

// TestCallbackTimeWindow: callbacks signed correctly but stamped outside the
// allowed skew (an hour by default, configurable) are refused and not
// handled; those inside are accepted.
func TestCallbackTimeWindow(t *testing.T) {
	post := func(p *Platform, ts, msgID string) int {
		plain := strings.Replace(groupText, "CAIQ16HMjQYY", msgID, 1)
		body, q, err := EncryptCallback(pinnedToken, vecAESKey, "", []byte(plain), ts, "n-"+msgID)
		if err != nil {
			t.Fatal(err)
		}
		return serve(p, httptest.NewRequest(http.MethodPost, "/wecom/aibot?"+q.Encode(), strings.NewReader(string(body)))).Code
	}
	unix := func(d time.Duration) string { return strconv.FormatInt(testNow.Add(d).Unix(), 10) }
	s := newSink()
	p := newTestPlatform(t, "http://unused", s.handle)
	for _, ts := range []string{"1000000000", "4102444800", "abc", "", "-1", "99999999999999999999", unix(-61 * time.Minute), unix(61 * time.Minute)} {
		if code := post(p, ts, "stale-"+ts); code != http.StatusForbidden && !(ts == "" && code == http.StatusBadRequest) {
			t.Errorf("timestamp %q: %d, want 403", ts, code)
		}
	}
	s.none(t)
	for i, d := range []time.Duration{0, -59 * time.Minute, 59 * time.Minute} {
		if code := post(p, unix(d), fmt.Sprintf("fresh-%d", i)); code != http.StatusOK {
			t.Errorf("timestamp now%+v: %d, want 200", d, code)
		}
	}
	s.wait(t, 3)

	cfg := testPlatformConfig()
	cfg.AIBot.MaxClockSkewSeconds = 60
	s2 := newSink()
	p2, err := New(cfg, testTeams, Options{Handle: s2.handle, Now: func() time.Time { return testNow }, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	if code := post(p2, unix(-2*time.Minute), "two-minutes-old"); code != http.StatusForbidden {
		t.Errorf("2 minutes old with a 60 s window: %d", code)
	}
	if code := post(p2, unix(-30*time.Second), "thirty-seconds-old"); code != http.StatusOK {
		t.Errorf("30 s old with a 60 s window: %d", code)
	}
	s2.wait(t, 1)
}
