package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/app"
)

func (r *running) text(path, bearer string) (int, string) {
	r.t.Helper()
	req, _ := http.NewRequest("GET", r.srv.URL+path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestMetricsAndReadiness(t *testing.T) {
	cfg := demoConfig(t)
	cfg.API.Token = "apitok"
	r := start(t, cfg)
	if code, _ := r.text("/readyz", ""); code != http.StatusOK {
		t.Fatalf("readyz after start = %d", code)
	}
	r.ask("presale", "xiaowang", "/help")
	r.ask("presale", "xiaowang", "/nosuchthing")
	r.drain()
	if code, _ := r.text("/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("metrics without the API token = %d, want 401", code)
	}
	code, body := r.text("/metrics", "apitok")
	if code != http.StatusOK {
		t.Fatalf("metrics = %d", code)
	}
	for _, want := range []string{
		`banzu_messages_in_total{platform="console"} 2`,
		`banzu_handler_seconds_count{command="help"} 1`,
		`banzu_messages_out_total{platform="console",outcome="sent"}`,
		"banzu_outbox_depth 0",
		"# TYPE banzu_job_runs_total counter",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	r.close()
}

// TestMetricsExposure: beyond loopback /metrics needs the API token, and is
// not served without one even when console.token is set; on loopback it is
// open unless an API token is configured.
func TestMetricsExposure(t *testing.T) {
	cases := []struct {
		listen, consoleToken, apiToken, bearer string
		want                                   int
	}{
		{"0.0.0.0:8080", "console-secret", "", "", http.StatusForbidden},
		{"0.0.0.0:8080", "console-secret", "", "console-secret", http.StatusForbidden},
		{":8080", "console-secret", "", "", http.StatusForbidden},
		{"0.0.0.0:8080", "console-secret", "apitok", "", http.StatusUnauthorized},
		{"0.0.0.0:8080", "console-secret", "apitok", "wrong", http.StatusUnauthorized},
		{"0.0.0.0:8080", "console-secret", "apitok", "apitok", http.StatusOK},
		{"127.0.0.1:8080", "", "", "", http.StatusOK},
		{"127.0.0.1:8080", "", "apitok", "", http.StatusUnauthorized},
	}
	for _, c := range cases {
		cfg := demoConfig(t)
		cfg.Listen, cfg.Console.Token, cfg.API.Token = c.listen, c.consoleToken, c.apiToken
		a, err := app.New(context.Background(), cfg, app.Options{})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a.Handler())
		r := &running{t: t, srv: srv}
		code, body := r.text("/metrics", c.bearer)
		if code != c.want || code == http.StatusOK != strings.Contains(body, "banzu_outbox_depth") {
			t.Errorf("listen %s, api token %q, bearer %q: /metrics = %d, want %d\n%.200s", c.listen, c.apiToken, c.bearer, code, c.want, body)
		}
		if code, _ := r.text("/healthz", ""); code != http.StatusOK {
			t.Errorf("listen %s: /healthz = %d", c.listen, code)
		}
		srv.Close()
		a.Close()
	}
}
