package dingtalk

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

func newCallbackPlatform(t *testing.T) (*Platform, *fakeClock, *eventSink) {
	t.Helper()
	clock := newFakeClock()
	sink := newEventSink()
	cfg := testConfig("https://api.dingtalk.com")
	cfg.Mode = ModeHTTP
	p, err := New(cfg, nil, Options{Logger: quietLogger(), Now: clock.Now, Handle: sink.handle})
	if err != nil {
		t.Fatal(err)
	}
	return p, clock, sink
}

// signedRequest builds a callback POST signed for the given time.
func signedRequest(body []byte, secret string, at time.Time) *http.Request {
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	r := httptest.NewRequest(http.MethodPost, "/dingtalk/callback", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("timestamp", ts)
	r.Header.Set("sign", Sign(ts, secret))
	return r
}

func serve(p *Platform, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	p.Handler().ServeHTTP(w, r)
	return w
}

func TestCallbackValid(t *testing.T) {
	p, clock, sink := newCallbackPlatform(t)
	w := serve(p, signedRequest(messageBody(t, nil), "client-secret-for-test", clock.Now()))
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d, body %q", w.Code, w.Body.String())
	}
	ev := sink.next(t)
	if ev.MessageID != "msgABC123" || ev.Text != "今日 KPI" || ev.ChatID != "cidGroupA==" || ev.ChatType != bot.ChatGroup ||
		ev.SenderID != "staff-1" || ev.SenderName != "小王" || ev.Platform != "dingtalk" {
		t.Fatalf("event = %+v", ev)
	}
	if len(ev.Mentions) != 1 || ev.Mentions[0] != "staff-2" {
		t.Fatalf("mentions = %v, want [staff-2]", ev.Mentions)
	}
	if got := p.LearnedConversations()["cidGroupA=="]; got.OpenConversationID != "cidGroupA==" || got.Title != "客服一组" {
		t.Fatalf("learned = %+v", got)
	}
}

func TestCallbackRejects(t *testing.T) {
	const secret = "client-secret-for-test"
	tests := []struct {
		name   string
		req    func(now time.Time) *http.Request
		status int
	}{
		{"forged sign", func(now time.Time) *http.Request {
			return signedRequest(messageBody(t, nil), "not-the-secret", now)
		}, http.StatusUnauthorized},
		{"stale timestamp", func(now time.Time) *http.Request {
			return signedRequest(messageBody(t, nil), secret, now.Add(-61*time.Minute))
		}, http.StatusUnauthorized},
		{"future timestamp", func(now time.Time) *http.Request {
			return signedRequest(messageBody(t, nil), secret, now.Add(61*time.Minute))
		}, http.StatusUnauthorized},
		{"missing headers", func(now time.Time) *http.Request {
			return httptest.NewRequest(http.MethodPost, "/dingtalk/callback", bytes.NewReader(messageBody(t, nil)))
		}, http.StatusUnauthorized},
		{"missing sign", func(now time.Time) *http.Request {
			r := signedRequest(messageBody(t, nil), secret, now)
			r.Header.Del("sign")
			return r
		}, http.StatusUnauthorized},
		{"malformed body", func(now time.Time) *http.Request {
			return signedRequest([]byte(`{"msgId": "x", "text": `), secret, now)
		}, http.StatusBadRequest},
		{"wrong field type", func(now time.Time) *http.Request {
			return signedRequest([]byte(`{"msgId": 7}`), secret, now)
		}, http.StatusBadRequest},
		{"missing msgId", func(now time.Time) *http.Request {
			return signedRequest(messageBody(t, func(m map[string]any) { delete(m, "msgId") }), secret, now)
		}, http.StatusBadRequest},
		{"oversized body", func(now time.Time) *http.Request {
			big := messageBody(t, func(m map[string]any) {
				m["text"] = map[string]string{"content": strings.Repeat("长", maxBodyBytes/3+10)}
			})
			return signedRequest(big, secret, now)
		}, http.StatusRequestEntityTooLarge},
		{"GET", func(now time.Time) *http.Request {
			r := signedRequest(nil, secret, now)
			r.Method = http.MethodGet
			return r
		}, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, clock, sink := newCallbackPlatform(t)
			w := serve(p, tt.req(clock.Now()))
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d (body %q)", w.Code, tt.status, w.Body.String())
			}
			sink.none(t, 20*time.Millisecond)
		})
	}
}

// A redelivered message is emitted twice with the same MessageID; the core
// de-duplicates on it.
func TestCallbackDuplicateKeepsMessageID(t *testing.T) {
	p, clock, sink := newCallbackPlatform(t)
	body := messageBody(t, nil)
	for i := 0; i < 2; i++ {
		if w := serve(p, signedRequest(body, "client-secret-for-test", clock.Now())); w.Code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, w.Code)
		}
	}
	a, b := sink.next(t), sink.next(t)
	if a.MessageID == "" || a.MessageID != b.MessageID {
		t.Fatalf("message ids %q and %q, want equal and non-empty", a.MessageID, b.MessageID)
	}
}

func TestCallbackUnsupportedTypeIgnored(t *testing.T) {
	p, clock, sink := newCallbackPlatform(t)
	body := messageBody(t, func(m map[string]any) {
		m["msgtype"] = "picture"
		delete(m, "text")
		m["content"] = map[string]string{"downloadCode": "dc"}
	})
	if w := serve(p, signedRequest(body, "client-secret-for-test", clock.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	sink.none(t, 20*time.Millisecond)
}

func TestCallbackNoSecretRejectsEverything(t *testing.T) {
	p, err := New(testConfig("https://api.dingtalk.com"), nil, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	p.cfg.ClientSecret = ""
	if w := serve(p, signedRequest(messageBody(t, nil), "", time.Now())); w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", w.Code)
	}
}
