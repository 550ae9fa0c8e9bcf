package app_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/platform/dingtalk"
	"github.com/banzu-bot/banzu/platform/dingtalk/dingtalktest"
)

// With a console token set, the platform callbacks are reached without it
// at the paths their config names, whatever they are; a path that merely
// looks like a platform's (the default ones, not mounted here) is the
// console's and asks for the token.
func TestConsoleTokenSparesTheConfiguredCallbacks(t *testing.T) {
	fake := dingtalktest.New(t, dtClientID, dtClientSecret, dtRobotCode)
	cfg := dingtalkConfig(t, fake, "http")
	cfg.DingTalk.CallbackPath = "/hooks/dingtalk"
	cfg.WeCom.AIBot.Token, cfg.WeCom.AIBot.EncodingAESKey = qyToken, qyAESKey
	cfg.WeCom.AIBot.CallbackPath = "/hooks/wecom"
	cfg.Console.Token = "s3cret"
	banzu := startPlatformApp(t, cfg)

	do := func(method, path string, body []byte, header http.Header) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, banzu.srv.URL+path, bytes.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const login = "需要登录令牌"

	// A signed DingTalk message at the configured path is taken and answered.
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	msg := dingtalktest.Message{MsgID: "r-help", ConversationID: "cidPresale==", Group: true, Title: "售前组",
		SenderStaffID: "dt-xiaowang", Text: "/help", SessionWebhook: fake.SessionWebhook("s-help"), RobotCode: dtRobotCode}.JSON()
	h := http.Header{"Content-Type": {"application/json"}, "Timestamp": {ts}, "Sign": {dingtalk.Sign(ts, dtClientSecret)}}
	if code, body := do("POST", "/hooks/dingtalk", msg, h); code != http.StatusOK {
		t.Fatalf("signed DingTalk callback at the configured path: %d %s", code, body)
	}
	waitFor(t, "the /help answer", func() bool { return len(fake.WebhookCalls("s-help")) == 1 })

	// WeCom's handler answers for itself (its own refusal, not the token's).
	if code, body := do("POST", "/hooks/wecom", []byte(`{}`), nil); code != http.StatusBadRequest || strings.Contains(body, login) {
		t.Errorf("unsigned WeCom callback at the configured path: %d %q", code, body)
	}
	if code, body := do("GET", "/hooks/wecom", nil, nil); code != http.StatusBadRequest || strings.Contains(body, login) {
		t.Errorf("WeCom URL verification without parameters: %d %q", code, body)
	}

	// The default paths are not mounted: they are the console's.
	for _, p := range []string{"/wecom/aibot", "/dingtalk/callback", "/wecom/anything"} {
		if code, body := do("GET", p, nil, nil); code != http.StatusUnauthorized || !strings.Contains(body, login) {
			t.Errorf("GET %s without the token: %d %q", p, code, body)
		}
	}
	if code, _ := do("GET", "/", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("console page without the token: %d", code)
	}
	// Probes are open; the API checks its own token, not the console's.
	if code, _ := do("GET", "/healthz", nil, nil); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	if code, body := do("GET", "/api/v1/backup", nil, nil); code == http.StatusOK || strings.Contains(body, login) {
		t.Errorf("/api/v1/backup without the API token: %d %q", code, body)
	}
}
