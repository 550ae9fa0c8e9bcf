package app_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot"
)

// do sends one request to r's server with the given headers; host, when
// set, replaces the Host header.
func (r *running) do(method, path, host, body string, headers map[string]string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConsoleRefusesForeignPagesAndHosts is issue 15's attack: a page on
// another site posts text/plain to the console to run /role as the manager,
// and a rebound DNS name reads the history. Both are refused and nothing
// changes; the page banzu serves keeps working.
func TestConsoleRefusesForeignPagesAndHosts(t *testing.T) {
	r := start(t, demoConfig(t))
	u, _ := url.Parse(r.srv.URL)
	port := u.Port()
	// Some history to protect.
	r.ask("presale", "zhao", "/help")
	var before struct{ Messages []message }
	r.get("/console/api/messages?chat_id=presale", &before)
	if len(before.Messages) == 0 {
		t.Fatal("no messages to protect")
	}
	role := func() bot.Role { return r.app.Directory.RoleOf(r.app.Directory.Member("xiaowang")) }
	if role() != bot.RoleAgent {
		t.Fatalf("小王 starts as %v", role())
	}
	attack := `{"chat_id":"presale","user_id":"zhao","text":"/role @小王 主管"}`
	cases := []struct {
		name, method, path, host, body string
		headers                        map[string]string
		status                         int
		want                           string
	}{
		{"cross-site text/plain post", "POST", "/console/api/messages", "", attack,
			map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, 403, "拒绝跨站请求"},
		{"text/plain post from an old browser (no Origin)", "POST", "/console/api/messages", "", attack,
			map[string]string{"Content-Type": "text/plain"}, 415, "Content-Type: application/json"},
		{"form post", "POST", "/console/api/messages", "", attack,
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "JSON"},
		{"json from a foreign origin", "POST", "/console/api/messages", "", attack,
			map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example:" + port}, 403, "evil.example"},
		{"json from another local port", "POST", "/console/api/messages", "", attack,
			map[string]string{"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"}, 403, "不是 banzu 自己的页面"},
		{"same-site post", "POST", "/console/api/messages", "", attack,
			map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}, 403, "拒绝跨站请求"},
		{"rebinding post", "POST", "/console/api/messages", "evil.example:" + port, attack,
			map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example:" + port, "Sec-Fetch-Site": "same-origin"}, 403, "console.allowed_hosts"},
		{"rebinding history read", "GET", "/console/api/messages?chat_id=presale", "evil.example:" + port, "", nil, 403, "不是 banzu 监听的地址"},
		{"rebinding chat list", "GET", "/console/api/chats", "evil.example", "", nil, 403, "不是 banzu 监听的地址"},
		{"rebinding page", "GET", "/", "evil.example:" + port, "", nil, 403, "不是 banzu 监听的地址"},
		{"rebinding download", "GET", "/console/files/1/x.xlsx", "evil.example:" + port, "", nil, 403, "不是 banzu 监听的地址"},
		{"cross-site history read", "GET", "/console/api/messages?chat_id=presale", "", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, 403, "拒绝跨站请求"},
		{"cross-site download link", "GET", "/console/files/1/x.xlsx", "", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, 403, "拒绝跨站请求"},
		{"rebinding API", "POST", "/api/v1/kpi/import", "evil.example:" + port, "", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 403, "不是 banzu 监听的地址"},
		{"cross-site API", "POST", "/api/v1/kpi/import", "", "", map[string]string{"Content-Type": "multipart/form-data; boundary=x", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403, "拒绝跨站请求"},
	}
	for _, c := range cases {
		status, body := r.do(c.method, c.path, c.host, c.body, c.headers)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d and %q", c.name, status, body, c.status, c.want)
		}
		if strings.Contains(body, before.Messages[0].Text) && before.Messages[0].Text != "" {
			t.Errorf("%s: the refusal shows the history", c.name)
		}
	}
	r.drain()
	var after struct{ Messages []message }
	r.get("/console/api/messages?chat_id=presale", &after)
	if len(after.Messages) != len(before.Messages) || role() != bot.RoleAgent {
		t.Errorf("the refused requests changed something: %d → %d messages, 小王 is %v", len(before.Messages), len(after.Messages), role())
	}

	// The page banzu serves: a link from another site opens it, and every
	// call it makes goes through api(), which sends JSON.
	status, page := r.do("GET", "/", "", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
	if status != 200 || !strings.Contains(page, "班组助手") {
		t.Fatalf("page: %d", status)
	}
	if n := strings.Count(page, "fetch("); n != 1 || !strings.Contains(page, `{"Content-Type": "application/json"}`) {
		t.Errorf("the page's requests must all go through api() with Content-Type: application/json (%d fetch calls)", n)
	}
	for _, host := range []string{"", "localhost:" + port, "LOCALHOST:" + port} {
		// What the page's fetch sends from http://<host>/.
		origin := "http://" + host
		if host == "" {
			origin = r.srv.URL
		}
		status, body := r.do("POST", "/console/api/messages", host, `{"chat_id":"presale","user_id":"zhao","text":"/role @小王 主管"}`,
			map[string]string{"Content-Type": "application/json", "Origin": origin, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"})
		if status != 200 {
			t.Errorf("the page's own post from %s: %d %s", origin, status, body)
		}
	}
	r.drain()
	if role() != bot.RoleSupervisor {
		t.Errorf("the page's own /role did not apply: 小王 is %v", role())
	}
}
