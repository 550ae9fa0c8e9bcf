package bot_test

import (
	"context"
	"testing"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
)

func TestNotifySupervisorsPrivately(t *testing.T) {
	r := bottest.New(t)
	r.Start()
	if err := r.Bot.NotifySupervisors(context.Background(), "presale", bot.Message{Markdown: "小王连续 3 天未达标"}); err != nil {
		t.Fatal(err)
	}
	r.Drain()
	var got int
	for _, e := range r.Messages(bottest.Inbox("chen"), 0) {
		if e.From == "bot" && bottest.Text(e) == "小王连续 3 天未达标" {
			got++
		}
	}
	if got != 1 {
		t.Errorf("陈主管 got the note %d times privately, want 1", got)
	}
	if said := r.BotSaid("presale"); len(said) != 0 {
		t.Errorf("the group saw %q", said)
	}
	if ids := r.Dir.SupervisorIDs("aftersale"); len(ids) != 1 || ids[0] != "lin" {
		t.Errorf("aftersale supervisors = %v", ids)
	}
}
