// Package redistest gives tests a Redis server: the one named by
// BANZU_TEST_REDIS_URL, or a private redis-server started on a free port.
//
// Packages that use it call Main from TestMain so that one server is shared by
// the whole test binary and stopped when it exits:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
//
// Without Main, each test calling URL gets its own server, stopped when that
// test ends.
package redistest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	// EnvURL names an existing server to use instead of starting one.
	EnvURL = "BANZU_TEST_REDIS_URL"
	// EnvRequire, when "1", makes a missing Redis fail tests instead of
	// skipping them.
	EnvRequire = "BANZU_REQUIRE_REDIS"
)

var (
	mainActive atomic.Bool

	sharedMu  sync.Mutex
	shared    *server
	sharedErr error
)

// Main runs the tests and stops the shared server, if one was started, before
// exiting with the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	mainActive.Store(true)
	code := m.Run()
	sharedMu.Lock()
	if shared != nil {
		shared.stop()
		shared = nil
	}
	sharedMu.Unlock()
	os.Exit(code)
}

// URL returns the URL of a Redis server for t. It skips t when no server is
// available, or fails it when BANZU_REQUIRE_REDIS=1.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redistest: no Redis: set " + EnvURL + " or put redis-server on PATH"
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(msg + " (" + EnvRequire + "=1)")
		}
		t.Skip(msg)
	}
	if !mainActive.Load() {
		srv, err := startServer(bin)
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		t.Cleanup(srv.stop)
		return srv.url
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && sharedErr == nil {
		shared, sharedErr = startServer(bin)
	}
	if sharedErr != nil {
		t.Fatalf("redistest: %v", sharedErr)
	}
	return shared.url
}

// Prefix returns a key prefix unique to t (and to this run), such as
// "banzutest:TestX_sub:1a2b3c4d5e6f:", so tests sharing a server do not see
// each other's keys. It contains no braces, so it adds no Cluster hash tag.
func Prefix(t testing.TB) string {
	t.Helper()
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			return r
		}
		return '_'
	}, t.Name())
	if len(name) > 48 {
		name = name[:48]
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("redistest: random prefix: %v", err)
	}
	return "banzutest:" + name + ":" + hex.EncodeToString(b[:]) + ":"
}

// server is a redis-server child process.
type server struct {
	url  string
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once
}

// startServer starts redis-server on a free port, trying a few ports in case
// another process takes the one picked meanwhile.
func startServer(bin string) (*server, error) {
	var err error
	for range 3 {
		var srv *server
		if srv, err = tryStart(bin); err == nil {
			return srv, nil
		}
	}
	return nil, err
}

func tryStart(bin string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "banzu-redis-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	srv, err := launch(bin, port, dir, "--save", "", "--appendonly", "no")
	if err != nil {
		_ = os.RemoveAll(dir)
	}
	return srv, err
}

// launch runs redis-server on port with its files in dir and waits until it
// answers PING. The caller owns dir.
func launch(bin string, port int, dir string, extra ...string) (*server, error) {
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--daemonize", "no", "--loglevel", "warning"}, extra...)
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	srv := &server{
		url:  fmt.Sprintf("redis://127.0.0.1:%d/0", port),
		dir:  dir,
		cmd:  cmd,
		done: make(chan struct{}),
	}
	go func() {
		_ = cmd.Wait()
		close(srv.done)
	}()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ping(addr) == nil {
			return srv, nil
		}
		select {
		case <-srv.done:
			return nil, fmt.Errorf("redis-server exited: %s", strings.TrimSpace(out.String()))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-srv.done
			return nil, fmt.Errorf("redis-server on port %d did not answer PING", port)
		}
	}
}

// stop kills the server, waits for it and removes its directory.
func (s *server) stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
		_ = os.RemoveAll(s.dir)
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ping sends an inline PING and expects +PONG.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}
