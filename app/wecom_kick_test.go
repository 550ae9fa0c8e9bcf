package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
)

// A kick (disconnected_event) stops the long connection: the error log names
// the cause, /readyz answers 503 and the metrics show it, until an operator
// asks for a reconnect through the API (`banzu wecom reconnect`).
func TestWeComKickStopsUntilReconnect(t *testing.T) {
	fastLongConn(t)
	srv := wecomtest.New(t, lcBotID, lcSecret)
	cfg := longconnConfig(t, srv, lcSecret)
	cfg.API.Token = "api-token"
	b := startLongConnBanzu(t, cfg, app.Options{})
	status := func() int {
		resp, err := http.Get(b.srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	srv.Wait(lcWait, "subscription", func(s wecomtest.Snapshot) bool { return s.Online })
	waitFor(t, "ready", func() bool { return status() == http.StatusOK })

	metrics := func() string {
		req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer api-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	srv.Kick()
	waitFor(t, "readyz 503 after the kick", func() bool { return status() == http.StatusServiceUnavailable })
	m := metrics()
	if !strings.Contains(m, `banzu_platform_kicked{platform="wecom"} 1`) || !strings.Contains(m, `banzu_platform_kicks_total{platform="wecom"} 1`) {
		t.Errorf("metrics after the kick:\n%s", m)
	}
	if logs := b.logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "another connection subscribed this robot") {
		t.Errorf("no error naming the cause:\n%s", logs)
	}
	if st := srv.State(); st.Subscribed != 1 || st.Online {
		t.Fatalf("banzu came back on its own: %d subscriptions", st.Subscribed)
	}

	post := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/api/v1/wecom/reconnect", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("wrong"); code != http.StatusUnauthorized {
		t.Fatalf("reconnect with a wrong token: %d", code)
	}
	if code := post("api-token"); code != http.StatusOK {
		t.Fatalf("reconnect: %d", code)
	}
	srv.Wait(lcWait, "the second subscription", func(s wecomtest.Snapshot) bool { return s.Subscribed == 2 && s.Online })
	waitFor(t, "ready again", func() bool { return status() == http.StatusOK })
	if m := metrics(); !strings.Contains(m, `banzu_platform_kicked{platform="wecom"} 0`) || !strings.Contains(m, `banzu_undecodable_frames_total{platform="wecom"} 0`) {
		t.Errorf("metrics after the reconnect:\n%s", m)
	}
}
