package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWeComReconnectCallsTheAPI(t *testing.T) {
	var gotAuth, gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotPath = r.Header.Get("Authorization"), r.Method+" "+r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"was_kicked":true,"message":"已要求企业微信长连接重新订阅。"}`))
	}))
	defer srv.Close()
	env := []string{"BANZU_API_TOKEN=tok-123"}
	code, out, errOut := runCLI(t, env, "wecom", "reconnect", "--url", srv.URL)
	if code != 0 || !strings.Contains(out, "重新订阅") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	if gotAuth != "Bearer tok-123" || gotPath != "POST /api/v1/wecom/reconnect" {
		t.Errorf("request: %q %q", gotPath, gotAuth)
	}
	// The address comes from listen when --url is not given.
	code, _, errOut = runCLI(t, append(env, "BANZU_LISTEN="+strings.TrimPrefix(srv.URL, "http://")), "wecom", "reconnect")
	if code != 0 {
		t.Fatalf("from listen: exit %d, err %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, nil, "wecom", "reconnect", "--url", srv.URL); code == 0 || !strings.Contains(errOut, "api.token") {
		t.Errorf("without a token: exit %d, err %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, nil, "wecom"); code == 0 || !strings.Contains(errOut, "用法") {
		t.Errorf("no subcommand: exit %d, err %q", code, errOut)
	}
}
