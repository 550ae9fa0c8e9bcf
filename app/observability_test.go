package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
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
