package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb, env)
	return code, out.String(), errb.String()
}

func TestVersionAndUnknownCommand(t *testing.T) {
	if code, out, _ := runCLI(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "banzu ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, nil, "frobnicate"); code != 2 || !strings.Contains(errOut, "未知命令") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
}

func TestConfigCheckAndDump(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "banzu.yaml")
	os.WriteFile(path, []byte("wecom:\n  corp_secret: topsecret\nteams:\n  - {id: t1, name: 售前组, wecom: {webhook_key: hookkey}}\n"), 0o600)
	env := []string{"BANZU_CONFIG=" + path, "BANZU_DATA_DIR=" + dir}
	code, out, errOut := runCLI(t, env, "config", "check")
	if code != 0 || !strings.Contains(out, "配置有效：1 个团队") {
		t.Errorf("config check: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "config", "dump")
	if code != 0 || strings.Contains(out, "topsecret") || strings.Contains(out, "hookkey") || !strings.Contains(out, "售前组") {
		t.Errorf("config dump must redact secrets:\n%s", out)
	}
	os.WriteFile(path, []byte("store:\n  driver: sqlite\n"), 0o600)
	code, _, errOut = runCLI(t, env, "config", "check")
	if code != 1 || !strings.Contains(errOut, "store.driver") {
		t.Errorf("bad config: %d %q", code, errOut)
	}
}

func TestServeRefusesExposedConsoleWithoutToken(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI(t, []string{"BANZU_DATA_DIR=" + dir}, "serve", "--listen", "0.0.0.0:0")
	if code != 1 || !strings.Contains(errOut, "console.token") {
		t.Errorf("serve on 0.0.0.0 without token: %d %q", code, errOut)
	}
}

func TestJobRunUnknown(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI(t, []string{"BANZU_DATA_DIR=" + dir}, "job", "run", "nosuchjob")
	if code != 1 || !strings.Contains(errOut, "没有名为") {
		t.Errorf("job run unknown: %d %q", code, errOut)
	}
}

func TestConfigCheckTargetsAndExposedConsole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "banzu.yaml")
	os.WriteFile(path, []byte("targets:\n  agent: {satisfation_min: 0.9}\n"), 0o600)
	env := []string{"BANZU_CONFIG=" + path, "BANZU_DATA_DIR=" + dir}
	if code, _, errOut := runCLI(t, env, "config", "check"); code != 1 || !strings.Contains(errOut, "targets.agent.satisfation_min") {
		t.Errorf("unknown target rule: %d %q", code, errOut)
	}
	os.WriteFile(path, []byte("listen: 0.0.0.0:8080\n"), 0o600)
	if code, out, _ := runCLI(t, env, "config", "check"); code != 0 || !strings.Contains(out, "没有设置 console.token") {
		t.Errorf("exposed console without token should be warned about: %d %q", code, out)
	}
}
