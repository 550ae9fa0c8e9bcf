package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
)

// running is one banzu process under test, reached through its HTTP API.
type running struct {
	t    *testing.T
	srv  *httptest.Server
	stop func()
	app  *app.App
}

func start(t *testing.T, cfg *config.Config) *running {
	t.Helper()
	return startWith(t, cfg, app.Options{})
}

// startWith starts banzu with options (a fake clock, say).
func startWith(t *testing.T, cfg *config.Config, opts app.Options) *running {
	t.Helper()
	return startSeeded(t, cfg, opts, nil)
}

// startSeeded starts banzu with the demo seeders that keep returns true
// (all of them when keep is nil).
func startSeeded(t *testing.T, cfg *config.Config, opts app.Options, keep func(demo.Seeder) bool) *running {
	t.Helper()
	a, err := app.New(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	var seeders []demo.Seeder
	for _, s := range a.DemoSeeders() {
		if keep == nil || keep(s) {
			seeders = append(seeders, s)
		}
	}
	if err := demo.Seed(context.Background(), a.Store, a.Bot, seeders); err != nil {
		t.Fatal(err)
	}
	stop, err := a.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := &running{t: t, srv: httptest.NewServer(a.Handler()), stop: stop, app: a}
	t.Cleanup(r.close)
	r.drain()
	return r
}

// drain waits until the outbox has delivered everything queued so far.
// drain waits until every event taken in is handled and every message it
// queued is delivered.
func (r *running) drain() {
	r.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		in, err := r.app.Store.Inbox().Stats(context.Background())
		if err != nil || in.Waiting+in.Taken > 0 {
			continue
		}
		if depth, _, err := r.app.Store.Outbox().Stats(context.Background()); err == nil && depth == 0 {
			return
		}
	}
	r.t.Fatal("inbox and outbox did not drain")
}

func (r *running) close() {
	if r.srv == nil {
		return
	}
	r.srv.Close()
	r.stop()
	r.app.Close()
	r.srv = nil
}

func demoConfig(t *testing.T) *config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	demo.Apply(cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

type message struct {
	ID       int64  `json:"id"`
	From     string `json:"from"`
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

func (r *running) get(path string, v any) int {
	r.t.Helper()
	resp, err := http.Get(r.srv.URL + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		json.NewDecoder(resp.Body).Decode(v)
	}
	return resp.StatusCode
}

func (r *running) post(chat, user, text string) (int, string) {
	r.t.Helper()
	body, _ := json.Marshal(map[string]string{"chat_id": chat, "user_id": user, "text": text})
	resp, err := http.Post(r.srv.URL+"/console/api/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// ask sends text as user and returns the bot's next reply in that chat, as
// the user sees it (a private acknowledgement included).
func (r *running) ask(chat, user, text string) string {
	r.t.Helper()
	r.drain() // what earlier messages started has landed: the next reply is this one's
	code, body := r.post(chat, user, text)
	if code != http.StatusOK {
		r.t.Fatalf("post %q: %d %s", text, code, body)
	}
	var posted struct{ ID int64 }
	json.Unmarshal([]byte(body), &posted)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var page struct{ Messages []message }
		r.get(fmt.Sprintf("/console/api/messages?chat_id=%s&user_id=%s&after=%d", chat, user, posted.ID), &page)
		for _, m := range page.Messages {
			if m.From == "bot" {
				return m.Markdown + m.Text
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.t.Fatalf("no reply to %q", text)
	return ""
}

func TestConsoleEndToEnd(t *testing.T) {
	cfg := demoConfig(t)
	r := start(t, cfg)

	if code := r.get("/healthz", nil); code != http.StatusOK {
		t.Fatalf("healthz = %d", code)
	}
	var chats struct {
		Chats []struct {
			ChatID  string                                `json:"chat_id"`
			TeamID  string                                `json:"team_id"`
			Name    string                                `json:"name"`
			Members []struct{ UserID, Name, Role string } `json:"members"`
		} `json:"chats"`
	}
	r.get("/console/api/chats", &chats)
	if len(chats.Chats) < 3 || chats.Chats[0].Name != "售前组" || chats.Chats[1].Name != "售后组" {
		t.Fatalf("chats: %+v", chats.Chats)
	}
	// The group chats, then a private chat for every member (agents too).
	inboxes := map[string]bool{}
	for i, c := range chats.Chats {
		if id, ok := strings.CutPrefix(c.ChatID, "inbox:"); ok {
			inboxes[id] = true
		} else if i > 0 && strings.HasPrefix(chats.Chats[i-1].ChatID, "inbox:") {
			t.Errorf("group chat %s listed after an inbox: %+v", c.ChatID, chats.Chats)
		}
	}
	for _, id := range []string{"xiaowang", "chen", "zhao", "xiaozhou"} {
		if !inboxes[id] {
			t.Errorf("no inbox for %s: %+v", id, chats.Chats)
		}
	}
	// An agent talks to banzu privately; the answer comes back there.
	if got := r.ask("inbox:xiaowang", "xiaowang", "/whoami"); !strings.Contains(got, "小王") {
		t.Errorf("/whoami in the agent's inbox: %q", got)
	}
	if code, _ := r.post("inbox:xiaowang", "xiaoli", "/whoami"); code != http.StatusForbidden {
		t.Errorf("posting into someone else's inbox: %d", code)
	}

	agentHelp := r.ask("presale", "xiaowang", "/help")
	if !strings.Contains(agentHelp, "/whoami") || strings.Contains(agentHelp, "/roster") || strings.Contains(agentHelp, "/role") {
		t.Errorf("agent /help:\n%s", agentHelp)
	}
	supHelp := r.ask("presale", "chen", "/帮助")
	if !strings.Contains(supHelp, "/roster") || strings.Contains(supHelp, "/role") {
		t.Errorf("supervisor /help:\n%s", supHelp)
	}
	if got := r.ask("presale", "xiaowang", "/roster"); !strings.Contains(got, "仅限主管") {
		t.Errorf("agent /roster should be refused: %q", got)
	}
	if got := r.ask("presale", "chen", "/roster"); !strings.Contains(got, "小王") || !strings.Contains(got, "旗舰店:小王") {
		t.Errorf("supervisor /roster: %q", got)
	}
	if got := r.ask("presale", "chen", "/role @小王 supervisor"); !strings.Contains(got, "仅限经理") {
		t.Errorf("supervisor /role should be refused: %q", got)
	}
	if got := r.ask("presale", "zhao", "/role @小王 主管"); !strings.Contains(got, "已将 小王 的角色设为 主管") {
		t.Errorf("manager /role: %q", got)
	}
	if got := r.ask("presale", "zhao", "/role @小王"); !strings.Contains(got, "用法：/role") {
		t.Errorf("malformed /role should get usage: %q", got)
	}

	// Bad input to the API gets clear errors.
	if code, body := r.post("nochat", "xiaowang", "/help"); code != http.StatusNotFound || !strings.Contains(body, "没有这个会话") {
		t.Errorf("unknown chat: %d %s", code, body)
	}
	if code, _ := r.post("presale", "xiaozhou", "/help"); code != http.StatusForbidden {
		t.Errorf("member of another team posting: %d", code)
	}
	if code, _ := r.post("presale", "xiaowang", "   "); code != http.StatusBadRequest {
		t.Errorf("empty text: %d", code)
	}

	// Restart on the same data directory: messages and the role change survive.
	var before struct{ Messages []message }
	r.get("/console/api/messages?chat_id=presale", &before)
	r.close()
	cfg2 := demoConfig(t)
	cfg2.DataDir = cfg.DataDir
	r2 := start(t, cfg2)
	var after struct{ Messages []message }
	r2.get("/console/api/messages?chat_id=presale", &after)
	if len(after.Messages) != len(before.Messages) || len(before.Messages) < 10 {
		t.Fatalf("messages before restart %d, after %d", len(before.Messages), len(after.Messages))
	}
	if got := r2.ask("presale", "xiaowang", "/roster"); !strings.Contains(got, "售前组 成员") {
		t.Errorf("role change lost across restart: %q", got)
	}
	welcomes := 0
	for _, m := range after.Messages {
		if strings.Contains(m.Markdown, "大家好，我是") {
			welcomes++
		}
	}
	if welcomes != 1 {
		t.Errorf("demo seeding must be idempotent: %d welcome messages", welcomes)
	}
}

func TestConsoleTokenRequiredBeyondLoopback(t *testing.T) {
	cfg := demoConfig(t)
	a, err := app.New(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.CheckListen("0.0.0.0:8080"); err == nil {
		t.Error("listening on all interfaces without console.token must be refused")
	}
	if err := a.CheckListen("127.0.0.1:8080"); err != nil {
		t.Errorf("loopback needs no token: %v", err)
	}
	cfg.Console.Token = "s3cret"
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	for path, want := range map[string]int{"/console/api/chats": 401, "/console/api/chats?token=s3cret": 200, "/console/api/chats?token=wrong": 401, "/healthz": 200} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
}
