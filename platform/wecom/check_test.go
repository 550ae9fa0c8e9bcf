package wecom

import (
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/config"
)

func TestCheck(t *testing.T) {
	full := config.WeCom{
		AIBot:  config.WeComAIBot{Token: "t", EncodingAESKey: vecAESKey},
		CorpID: "c", CorpSecret: "s", AgentID: 1,
	}
	if got := Check(full, []config.Team{{ID: "t1", WeCom: config.TeamWeCom{WebhookKey: "k"}}}); len(got) != 0 {
		t.Fatalf("complete config reported: %v", got)
	}
	got := Check(config.WeCom{AIBot: config.WeComAIBot{EncodingAESKey: "short"}}, []config.Team{{ID: "t2", Name: "二组"}})
	joined := strings.Join(got, "\n")
	for _, want := range []string{"wecom.aibot.token", "43 个字符（现为 5 个）", "wecom.corp_id", "wecom.corp_secret", "wecom.agent_id", "二组（t2）", "webhook_key"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in:\n%s", want, joined)
		}
	}
	if len(got) != 6 {
		t.Errorf("%d messages:\n%s", len(got), joined)
	}
	bad := full
	bad.AIBot.EncodingAESKey = strings.Repeat("!", 43)
	if got := Check(bad, nil); len(got) != 1 || !strings.Contains(got[0], "Base64") {
		t.Errorf("bad key: %v", got)
	}
	long := config.WeCom{AIBot: config.WeComAIBot{BotID: "b", Secret: "s"}, CorpID: "c", CorpSecret: "s", AgentID: 1}
	if got := Check(long, []config.Team{{ID: "t1", WeCom: config.TeamWeCom{ChatID: "wrk1"}}}); len(got) != 0 {
		t.Errorf("long-connection mode asked for callback settings: %v", got)
	}
	long.AIBot = config.WeComAIBot{Mode: "longconn"}
	got = Check(long, []config.Team{{ID: "t3"}})
	if joined := strings.Join(got, "\n"); len(got) != 3 || !strings.Contains(joined, "wecom.aibot.bot_id") ||
		!strings.Contains(joined, "wecom.aibot.secret") || !strings.Contains(joined, "t3 未配置 wecom.chat_id") {
		t.Errorf("long-connection mode without bot_id and secret:\n%s", joined)
	}
}

func TestNewRejectsBadKey(t *testing.T) {
	_, err := New(config.WeCom{AIBot: config.WeComAIBot{Token: "t", EncodingAESKey: "short"}}, nil, Options{Logger: quietLog})
	if err == nil {
		t.Fatal("accepted a short encoding_aes_key")
	}
	p, err := New(config.WeCom{}, nil, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Name() != "wecom" || p.CallbackPath() != "/wecom/aibot" || p.cfg.APIBase != "https://qyapi.weixin.qq.com" {
		t.Fatalf("defaults: %q %q %q", p.Name(), p.CallbackPath(), p.cfg.APIBase)
	}
}
