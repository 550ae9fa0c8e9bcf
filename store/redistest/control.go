package redistest

import (
	"os"
	"os/exec"
	"testing"
)

// Server is a private, persistent redis-server that a test can stop and
// start again on the same port and data (to test recovering from a Redis
// restart). Every write is appended to its AOF and fsynced before Redis
// answers, so a restart loses nothing that was acknowledged.
type Server struct {
	URL  string
	t    testing.TB
	bin  string
	port int
	dir  string
	cur  *server
}

// StartServer starts a Server for t and stops it when t ends. Without
// redis-server it skips t, or fails it when BANZU_REQUIRE_REDIS=1.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("BANZU_REQUIRE_REDIS") == "1" {
			t.Fatalf("redistest: redis-server not found and BANZU_REQUIRE_REDIS=1: %v", err)
		}
		t.Skip("redistest: redis-server not installed")
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, bin: bin, port: port, dir: t.TempDir()}
	s.Start()
	s.URL = s.cur.url
	t.Cleanup(s.Stop)
	return s
}

// Start starts the server again after Stop, with the data it had.
func (s *Server) Start() {
	s.t.Helper()
	if s.cur != nil {
		return
	}
	srv, err := launch(s.bin, s.port, s.dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always")
	if err != nil {
		s.t.Fatalf("redistest: %v", err)
	}
	s.cur = srv
}

// Stop kills the server (as a crash would) and waits for it to exit.
func (s *Server) Stop() {
	if s.cur == nil {
		return
	}
	_ = s.cur.cmd.Process.Kill()
	<-s.cur.done
	s.cur = nil
}
