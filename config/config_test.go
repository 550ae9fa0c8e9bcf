package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultsValidateWithoutFile(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatalf("Load with nothing: %v", err)
	}
	if cfg.TimeZone != "Asia/Shanghai" || cfg.Listen != "127.0.0.1:8080" || cfg.Store.Driver != "embedded" {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
}

func TestFileThenEnvOverrides(t *testing.T) {
	path := filepath.Join(t.TempDir(), "banzu.yaml")
	yaml := `
listen: 0.0.0.0:9000
store:
  driver: redis
  redis:
    url: redis://:pw@127.0.0.1:6379/0
wecom:
  aibot:
    callback_path: /cb
teams:
  - id: presale
    name: 售前组
    members:
      - {id: xw, name: 小王, role: agent, aliases: ["旗舰店:小王"]}
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"BANZU_LISTEN=127.0.0.1:7000", "BANZU_WECOM_AIBOT_CALLBACK_PATH=/x", "BANZU_BOT_WORKERS=3", "BANZU_STORE_REDIS_ADDRS=a:1, b:2", "OTHER=1"}
	cfg, err := Load(path, env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:7000" {
		t.Errorf("listen = %q, env must win over file", cfg.Listen)
	}
	if cfg.WeCom.AIBot.CallbackPath != "/x" || cfg.Bot.Workers != 3 {
		t.Errorf("env overrides not applied: %q %d", cfg.WeCom.AIBot.CallbackPath, cfg.Bot.Workers)
	}
	if got := strings.Join(cfg.Store.Redis.Addrs, "|"); got != "a:1|b:2" {
		t.Errorf("addrs = %q", got)
	}
	if cfg.Store.Redis.URL != "redis://:pw@127.0.0.1:6379/0" || cfg.Teams[0].Members[0].Aliases[0] != "旗舰店:小王" {
		t.Errorf("file values lost: %+v", cfg)
	}
}

func TestValidationNamesTheKey(t *testing.T) {
	cases := map[string]string{
		"store:\n  driver: mysql\n":          "store.driver",
		"timezone: Mars/Base\n":              "timezone",
		"teams:\n  - {id: 'a b', name: x}\n": "teams[0].id",
		"teams:\n  - id: a\n    name: A\n    members: [{id: m, name: M, role: boss}]\n": "teams[0].members[0].role",
		"store:\n  driver: redis\n":                       "store.redis.url",
		"wecom:\n  aibot:\n    encoding_aes_key: short\n": "wecom.aibot.encoding_aes_key",
		"nosuchkey: 1\n":                                  "nosuchkey",
	}
	for body, key := range cases {
		path := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(path, []byte(body), 0o600)
		_, err := Load(path, nil)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("config %q: error %v does not name %s", body, err, key)
		}
	}
	_, err := Load("", []string{"BANZU_BOT_WORKERS=many"})
	if err == nil || !strings.Contains(err.Error(), "BANZU_BOT_WORKERS") {
		t.Errorf("bad env value: %v", err)
	}
}

func TestDumpRedactsSecrets(t *testing.T) {
	cfg := Default()
	cfg.WeCom.CorpSecret = "corp-secret-value"
	cfg.WeCom.AIBot.Token = "tok-value"
	cfg.Store.Redis.URL = "redis://user:hunter2@10.0.0.1:6379/0"
	cfg.Teams = []Team{{ID: "t", Name: "T", WeCom: TeamWeCom{WebhookKey: "hook-key-value"}}}
	out, err := Dump(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, secret := range []string{"corp-secret-value", "tok-value", "hunter2", "hook-key-value"} {
		if strings.Contains(s, secret) {
			t.Errorf("dump leaks %q:\n%s", secret, s)
		}
	}
	if !strings.Contains(s, "10.0.0.1:6379") || !strings.Contains(s, Redacted) {
		t.Errorf("dump should keep the redis host and show redaction:\n%s", s)
	}
	if cfg.Teams[0].WeCom.WebhookKey != "hook-key-value" {
		t.Error("Dump must not modify the original config")
	}
}

func TestDingTalkRobotCodeDefaultsToClientID(t *testing.T) {
	cfg, err := Load("", []string{"BANZU_DINGTALK_CLIENT_ID=dingabc"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DingTalk.RobotCode != "dingabc" {
		t.Errorf("robot_code = %q, want the client id", cfg.DingTalk.RobotCode)
	}
	cfg, err = Load("", []string{"BANZU_DINGTALK_CLIENT_ID=dingabc", "BANZU_DINGTALK_ROBOT_CODE=dingrobot"})
	if err != nil || cfg.DingTalk.RobotCode != "dingrobot" {
		t.Errorf("robot_code = %q (%v), want the configured one", cfg.DingTalk.RobotCode, err)
	}
}

func TestValidateAllowedHostsAndClockSkew(t *testing.T) {
	cfg := Default()
	cfg.Console.AllowedHosts = []string{"banzu.example.com", "10.0.0.5:8080", "[::1]:8080"}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("good hosts: %v", err)
	}
	cfg.Console.AllowedHosts = []string{"https://banzu.example.com"}
	cfg.WeCom.AIBot.MaxClockSkewSeconds = -1
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), "console.allowed_hosts") || !strings.Contains(err.Error(), "wecom.aibot.max_clock_skew_seconds") {
		t.Fatalf("bad hosts and skew: %v", err)
	}
}
