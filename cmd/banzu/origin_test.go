package main

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestServeChecksHost: a running `banzu serve` knows the port it is bound
// to, so a Host naming another name or another port is refused (DNS
// rebinding), while the loopback names of its own address work.
func TestServeChecksHost(t *testing.T) {
	p := startProc(t, []string{"BANZU_DATA_DIR=" + t.TempDir()}, "--demo")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.url, "http://"))
	for host, want := range map[string]int{
		"127.0.0.1:" + port:    200,
		"localhost:" + port:    200,
		"evil.example:" + port: 403,
		"127.0.0.1:1":          403,
	} {
		req, _ := http.NewRequest("GET", p.url+"/console/api/messages?chat_id=presale", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}
