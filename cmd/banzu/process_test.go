package main

import (
	"bytes"
	"encoding/json"
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
