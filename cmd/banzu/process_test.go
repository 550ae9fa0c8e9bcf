package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
	"github.com/banzu-bot/banzu/store/redistest"
)

// TestMain lets the test binary act as banzu itself, so process tests start
// real `banzu serve` processes without building a separate binary.
func TestMain(m *testing.M) {
	if os.Getenv("BANZU_TEST_MAIN") == "1" {
		main()
		return
	}
	redistest.Main(m)
}

// proc is a banzu process under test.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startProc runs `banzu serve` with env and args and waits until it is ready.
func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{t: t, url: "http://" + addr, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], append([]string{"serve", "--listen", addr}, args...)...)
	p.cmd.Env = append(append(os.Environ(), "BANZU_TEST_MAIN=1", "BANZU_LOG_LEVEL=debug"), env...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("banzu %s logs:\n%s", addr, p.logs())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(p.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("banzu exited at start:\n%s", p.logs())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("banzu not ready in 30 s:\n%s", p.logs())
	return nil
}

// stop asks for a graceful shutdown (SIGTERM) and waits.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// kill9 kills the process without warning.
func (p *proc) kill9() {
	p.cmd.Process.Kill()
	<-p.done
}

type consoleMsg struct {
	ID       int64  `json:"id"`
	From     string `json:"from"`
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
	Card     *struct {
		Title   string `json:"title"`
		Text    string `json:"text"`
		Options []struct {
			ID    string `json:"id"`
			Label string `json:"label"`
		} `json:"options"`
	} `json:"card"`
}

func (p *proc) say(chat, user, text string) {
	p.t.Helper()
	body, _ := json.Marshal(map[string]string{"chat_id": chat, "user_id": user, "text": text})
	resp, err := http.Post(p.url+"/console/api/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		p.t.Fatalf("post %q: %d %s", text, resp.StatusCode, b)
	}
}

func (p *proc) messages(chat string) []consoleMsg { return p.messagesFor(chat, "") }

// messagesFor is what user sees of chat: with the replies to them alone.
func (p *proc) messagesFor(chat, user string) []consoleMsg {
	p.t.Helper()
	resp, err := http.Get(p.url + "/console/api/messages?chat_id=" + chat + "&user_id=" + user)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Messages []consoleMsg }
	json.NewDecoder(resp.Body).Decode(&page)
	return page.Messages
}

// countBot counts the bot's messages in chat containing s.
func (p *proc) countBot(chat, s string) int {
	n := 0
	for _, m := range p.messages(chat) {
		if m.From == "bot" && strings.Contains(m.Markdown+m.Text, s) {
			n++
		}
	}
	return n
}

// dump logs a chat's messages (for a failing test).
func (p *proc) dump(chat string) {
	for _, m := range p.messages(chat) {
		p.t.Logf("%s: %s%s", m.From, m.Markdown, m.Text)
	}
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func writeConfig(t *testing.T, yaml string) string {
	path := filepath.Join(t.TempDir(), "banzu.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTwoReplicasOnOneRedis starts two banzu processes on one Redis: a
// message sent through either is answered exactly once, and a job scheduled
// every minute runs once per slot.
func TestTwoReplicasOnOneRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	cfg := writeConfig(t, fmt.Sprintf("store:\n  driver: redis\n  redis:\n    url: %q\n    prefix: %q\nschedules:\n  daily-summary: \"* * * * *\"\n", url, prefix))
	env := []string{"BANZU_CONFIG=" + cfg}
	begin := time.Now()
	a := startProc(t, env, "--demo")
	b := startProc(t, env, "--demo")

	a.say("presale", "xiaowang", "/whoami")
	b.say("presale", "xiaoli", "/whoami")
	waitFor(t, 15*time.Second, "both answers", func() bool {
		return a.countBot("presale", "你是 **小王**") == 1 && a.countBot("presale", "你是 **小李**") == 1
	})
	if n := a.countBot("presale", "大家好，我是"); n != 1 {
		t.Errorf("the demo welcome was posted %d times by two replicas", n)
	}

	// A lesson started through replica a takes an answer that arrives at b.
	// Commands run concurrently, so each step waits for the one before.
	a.say("presale", "chen", "/lesson start 运费险")
	waitFor(t, 10*time.Second, "the knowledge point", func() bool { return a.countBot("presale", "每日微课堂 · 运费险") == 1 })
	a.say("presale", "chen", "/lesson skip") // to the case
	waitFor(t, 10*time.Second, "the case", func() bool { return a.countBot("presale", "**讨论**") == 1 })
	a.say("presale", "chen", "/lesson skip") // to the quiz
	var option string
	waitFor(t, 15*time.Second, "the first quiz question", func() bool {
		for _, m := range a.messages("presale") {
			if m.Card != nil && strings.Contains(m.Card.Title, "第 1/") && len(m.Card.Options) > 0 {
				option = m.Card.Options[0].ID
				return true
			}
		}
		return false
	})
	b.say("presale", "xiaowang", "/a "+option)
	waitFor(t, 10*time.Second, "the answer acknowledged to 小王 alone", func() bool {
		for _, m := range a.messagesFor("presale", "xiaowang") {
			if m.From == "bot" && strings.Contains(m.Markdown+m.Text, "第 1 题：✅ 你的答案") {
				return a.countBot("presale", "已记录") == 0
			}
		}
		return false
	})
	a.say("presale", "chen", "/lesson skip") // close question 1
	waitFor(t, 10*time.Second, "question 1 closed with b's answer counted", func() bool {
		for _, m := range a.messages("presale") {
			if m.Card == nil {
				continue
			}
			// Question 1's answer rides on question 2's card.
			if text := m.Card.Text; strings.Contains(text, "上一题（第 1 题）") {
				return strings.Contains(text, "/1 人")
			}
		}
		return false
	})
	a.say("presale", "chen", "/lesson stop")

	// Wait for the next minute's slot to pass, then a little for delivery.
	next := time.Now().Truncate(time.Minute).Add(time.Minute)
	waitFor(t, time.Until(next)+30*time.Second, "the scheduled summary", func() bool {
		return time.Now().After(next) && a.countBot("presale", "昨日战报") >= 1 && a.countBot("aftersale", "昨日战报") >= 1
	})
	time.Sleep(2 * time.Second) // a duplicate would have landed by now
	// Both replicas ran the same slots. Every minute boundary since the
	// replicas started is a slot (the lesson above may already span one), so
	// there is at most one summary per boundary crossed.
	slots := int(time.Now().Truncate(time.Minute).Sub(begin.Truncate(time.Minute)) / time.Minute)
	if got, limit := a.countBot("presale", "昨日战报"), slots; got > limit {
		t.Errorf("%d summaries in the presale group for %d slot(s): a slot ran twice", got, limit)
	}
	// Both replicas reached the slot; the one that came second stood down.
	if !strings.Contains(a.logs()+b.logs(), "job slot already taken") {
		t.Error("neither replica found the summary's slot taken: the lock was not exercised")
	}
	// Exactly one of them delivered: both see the same shared chat.
	if x, y := a.countBot("presale", "你是 **小王**"), b.countBot("presale", "你是 **小王**"); x != 1 || y != 1 {
		t.Errorf("answer delivered %d/%d times (replica a/b), want once", x, y)
	}
}

// fakeWeCom is a WeCom group-robot webhook that fails until told to work.
type fakeWeCom struct {
	mu       sync.Mutex
	working  bool
	attempts int
	got      []string
}

func (f *fakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path != "/cgi-bin/webhook/send" {
		http.NotFound(w, r)
		return
	}
	f.attempts++
	if !f.working {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	f.got = append(f.got, string(b))
	w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

func (f *fakeWeCom) state() (attempts int, got []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts, append([]string(nil), f.got...)
}

// TestKill9KeepsQueuedMessages queues a group post that WeCom refuses, kills
// banzu with SIGKILL, restarts it, and sees the post delivered exactly once.
func TestKill9KeepsQueuedMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	fake := &fakeWeCom{}
	srv := newServer(t, fake)
	data := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf(`wecom:
  api_base: %q
teams:
  - id: t1
    name: 售前组
    wecom: {webhook_key: k1}
    members:
      - {id: chen, name: 陈主管, role: supervisor}
`, srv))
	env := []string{"BANZU_CONFIG=" + cfg, "BANZU_DATA_DIR=" + data}
	p := startProc(t, env)
	p.say("t1", "chen", "/announce 明早八点半开会 kill9")
	waitFor(t, 15*time.Second, "a refused delivery to WeCom", func() bool { n, _ := fake.state(); return n >= 1 })
	p.kill9()

	fake.mu.Lock()
	fake.working = true
	fake.mu.Unlock()
	killed := time.Now()
	p2 := startProc(t, env)
	// The dead process's sender lease and its claims lapse within 10 s.
	waitFor(t, 90*time.Second, "the post after restart", func() bool { _, got := fake.state(); return len(got) >= 1 })
	t.Logf("the post was delivered %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	time.Sleep(1500 * time.Millisecond) // room for a duplicate
	_, got := fake.state()
	if len(got) != 1 || !strings.Contains(got[0], "明早八点半开会 kill9") {
		t.Fatalf("WeCom received %d posts, want the announcement once: %q", len(got), got)
	}
	if n := p2.countBot("t1", "明早八点半开会 kill9"); n != 1 {
		t.Errorf("console shows the announcement %d times", n)
	}
}

func newServer(t *testing.T, h http.Handler) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http.Server{Handler: h}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return "http://" + l.Addr().String()
}

// TestWeComLongConnTwoProcesses runs two `banzu serve` processes on one Redis
// against a fake WeCom socket server: only one holds the robot's connection at
// a time, and an announcement queued at either process reaches WeCom once.
func TestWeComLongConnTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	ws := wecomtest.New(t, "aibot-proc", "secret-proc")
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	cfg := writeConfig(t, fmt.Sprintf(`store:
  driver: redis
  redis: {url: %q, prefix: %q}
wecom:
  aibot: {bot_id: aibot-proc, secret: secret-proc, ws_url: %q}
teams:
  - id: t1
    name: 售前组
    wecom: {chat_id: wrkT1}
    members:
      - {id: chen, name: 陈主管, role: supervisor, wecom_userid: qw-chen}
`, url, prefix, ws.URL()))
	env := []string{"BANZU_CONFIG=" + cfg}
	a := startProc(t, env)
	b := startProc(t, env)
	ws.Wait(30*time.Second, "a connection", func(s wecomtest.Snapshot) bool { return s.Online })

	a.say("t1", "chen", "/announce 通知甲")
	b.say("t1", "chen", "/announce 通知乙")
	a.say("t1", "chen", "/announce 通知丙")
	has := func(s wecomtest.Snapshot, text string) int {
		n := 0
		for _, r := range s.Of("aibot_send_msg") {
			if strings.Contains(r.Str("markdown", "content"), text) {
				n++
			}
		}
		return n
	}
	ws.Wait(60*time.Second, "three announcements", func(s wecomtest.Snapshot) bool {
		return has(s, "通知甲") >= 1 && has(s, "通知乙") >= 1 && has(s, "通知丙") >= 1
	})
	time.Sleep(2 * time.Second) // room for a duplicate
	s := ws.State()
	for _, text := range []string{"通知甲", "通知乙", "通知丙"} {
		if n := has(s, text); n != 1 {
			t.Errorf("%s reached WeCom %d times, want once", text, n)
		}
	}
	if s.MaxConcurrent != 1 || s.Kicks != 0 {
		t.Errorf("max concurrent connections %d, kicks %d: the processes fought over the robot", s.MaxConcurrent, s.Kicks)
	}
}
