package bottest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
)

func TestRigAnswersInChatAndPrivately(t *testing.T) {
	r := bottest.New(t)
	r.Add(&bot.Command{Name: "echo", Usage: "/echo 文字", Summary: "复述", Handler: func(ctx context.Context, req *bot.Request) error {
		said := strings.Join(req.Args, " ")
		if said == "秘密" {
			return req.Reply(ctx, bot.Message{Markdown: "只有你看得到", OnlyFor: []string{req.Event.SenderID}})
		}
		return req.ReplyText(ctx, "你说："+said)
	}})
	r.Start()

	if got := r.Ask("presale", "xiaowang", "/echo 你好"); got != "你说：你好" {
		t.Errorf("reply = %q", got)
	}
	if got := r.Ask("presale", "xiaowang", "/echo 秘密"); !strings.Contains(got, "只有你看得到") {
		t.Errorf("private reply = %q", got)
	}
	for _, s := range r.BotSaid("presale") {
		if strings.Contains(s, "只有你看得到") {
			t.Errorf("a private reply is visible to the group: %q", s)
		}
	}
	if got := r.Ask("presale", "xiaowang", "/nosuch"); !strings.Contains(got, "/") {
		t.Errorf("unknown command reply = %q", got)
	}
}
