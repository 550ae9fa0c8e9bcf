package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

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
