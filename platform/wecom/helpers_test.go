package wecom

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// quietLog discards the adapter's logs in tests.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// testNow is the fixed clock of the tests.
var testNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// sink collects the events the adapter hands to Handle.
type sink struct {
	mu     sync.Mutex
	events []bot.Event
	got    chan struct{}
}

func newSink() *sink { return &sink{got: make(chan struct{}, 1024)} }

func (s *sink) handle(_ context.Context, ev bot.Event) error {
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.mu.Unlock()
	s.got <- struct{}{}
	return nil
}

// wait returns once n events arrived (or fails after a second).
func (s *sink) wait(t testing.TB, n int) []bot.Event {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-s.got:
		case <-time.After(time.Second):
			t.Fatalf("got %d events, want %d", i, n)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Event(nil), s.events...)
}

// none checks that no event arrives within a short while.
func (s *sink) none(t testing.TB) {
	t.Helper()
	select {
	case <-s.got:
		t.Fatal("an event was handled")
	case <-time.After(50 * time.Millisecond):
	}
}

var testTeams = []config.Team{
	{ID: "t1", Name: "一组", WeCom: config.TeamWeCom{ChatID: "wrkChat1", WebhookKey: "hook-1"},
		Members: []config.Member{{ID: "m-boss", Name: "王经理", WeComUserID: "WangJingLi", Role: "manager"}}},
	{ID: "t2", Name: "二组", WeCom: config.TeamWeCom{ChatID: "wrkChat2"}},
}

// newTestPlatform builds an adapter with the pinned callback secrets, the
// app configured and every call going to apiBase.
func newTestPlatform(t testing.TB, apiBase string, handle bot.Accept) *Platform {
	t.Helper()
	p, err := New(config.WeCom{
		AIBot:      config.WeComAIBot{Token: pinnedToken, EncodingAESKey: vecAESKey},
		CorpID:     "wwcorp",
		CorpSecret: "corp-secret",
		AgentID:    1000002,
		APIBase:    apiBase,
	}, testTeams, Options{Handle: handle, Now: func() time.Time { return testNow }, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// signedPost builds a callback POST of plaintext encrypted and signed the way
// WeCom does.
func signedPost(t testing.TB, p *Platform, plaintext string) *http.Request {
	t.Helper()
	enc, err := p.crypt.encrypt([]byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	return signedEnvelope(p, enc, `{"encrypt":"`+enc+`"}`)
}

// signedEnvelope builds a POST of body signed over enc.
func signedEnvelope(p *Platform, enc, body string) *http.Request {
	ts, nonce := strconv.FormatInt(testNow.Unix(), 10), "nonce1"
	q := url.Values{"msg_signature": {p.crypt.signature(ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	return httptest.NewRequest(http.MethodPost, "/wecom/aibot?"+q.Encode(), strings.NewReader(body))
}

// serve runs one request through the handler.
func serve(p *Platform, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	p.Handler().ServeHTTP(w, r)
	return w
}

// call is one request the fake qyapi server received.
type call struct {
	Method, Path string
	Query        url.Values
	Body         map[string]any
	// Multipart upload details.
	Field, FileName, FileData string
}

// fakeAPI is a fake qyapi server: it records every call and answers with
// what reply returns for it (default errcode 0).
type fakeAPI struct {
	*httptest.Server
	mu    sync.Mutex
	calls []call
	reply func(c call, n int) (status int, body string)
}

func newFakeAPI(t testing.TB, reply func(c call, n int) (int, string)) *fakeAPI {
	f := &fakeAPI{reply: reply}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			if err := r.ParseMultipartForm(32 << 20); err != nil {
				t.Errorf("bad multipart: %v", err)
			}
			for field, fhs := range r.MultipartForm.File {
				c.Field, c.FileName = field, fhs[0].Filename
				fh, _ := fhs[0].Open()
				buf := make([]byte, fhs[0].Size)
				_, _ = fh.Read(buf)
				c.FileData = string(buf)
			}
		} else if r.Method == http.MethodPost {
			if err := json.NewDecoder(r.Body).Decode(&c.Body); err != nil {
				t.Errorf("%s: body is not JSON: %v", r.URL.Path, err)
			}
		}
		f.mu.Lock()
		f.calls = append(f.calls, c)
		n := len(f.calls)
		f.mu.Unlock()
		status, body := http.StatusOK, `{"errcode":0,"errmsg":"ok"}`
		if f.reply != nil {
			status, body = f.reply(c, n)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) got() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// str digs a string out of a decoded JSON body: str(b, "markdown", "content").
func str(m map[string]any, path ...string) string {
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}

func testPlatformConfig() config.WeCom {
	return config.WeCom{AIBot: config.WeComAIBot{Token: pinnedToken, EncodingAESKey: vecAESKey}}
}

func testPlatformConfigWithoutAIBot() config.WeCom {
	return config.WeCom{CorpID: "c"}
}
