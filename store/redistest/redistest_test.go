package redistest

import (
	"os"
	"strings"
	"testing"
)

// This package deliberately has no TestMain: URL starts one server per test
// and stops it when the test ends.

func TestURLAnswers(t *testing.T) {
	url := URL(t)
	if !strings.HasPrefix(url, "redis://") {
		t.Fatalf("URL = %q", url)
	}
	if os.Getenv(EnvURL) != "" {
		return
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "redis://"), "/0")
	if err := ping(addr); err != nil {
		t.Fatalf("PING %s: %v", addr, err)
	}
}

func TestServerStops(t *testing.T) {
	if os.Getenv(EnvURL) != "" {
		t.Skip("uses an external server")
	}
	var addr string
	t.Run("start", func(t *testing.T) {
		addr = strings.TrimSuffix(strings.TrimPrefix(URL(t), "redis://"), "/0")
	})
	if addr == "" {
		t.Skip("no server started")
	}
	if err := ping(addr); err == nil {
		t.Fatalf("server at %s still answers after its test ended", addr)
	}
}

func TestSkipsWithoutRedis(t *testing.T) {
	t.Setenv(EnvURL, "")
	t.Setenv(EnvRequire, "")
	t.Setenv("PATH", t.TempDir())
	reached := false
	t.Run("inner", func(t *testing.T) {
		URL(t)
		reached = true
	})
	if reached {
		t.Fatal("URL returned without redis-server on PATH")
	}
}

func TestPrefixUnique(t *testing.T) {
	a, b := Prefix(t), Prefix(t)
	if a == b {
		t.Fatalf("Prefix returned %q twice", a)
	}
	if !strings.HasPrefix(a, "banzutest:TestPrefixUnique:") || strings.ContainsAny(a, "{}") {
		t.Fatalf("Prefix = %q", a)
	}
}
