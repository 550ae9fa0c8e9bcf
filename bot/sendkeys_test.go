package bot_test

import (
	"context"
	"testing"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
)

// A job's slot run again after a crash sends what it sent before: with
// content keys, nothing is queued twice, in whatever order it is sent, and
// what the first run had not sent yet goes out.
func TestContentKeysQueueEachMessageOnce(t *testing.T) {
	r := bottest.New(t)
	r.Start()
	dest := bot.Destination{Platform: "console", ChatID: "presale", TeamID: "presale"}
	other := bot.Destination{Platform: "console", ChatID: "aftersale", TeamID: "aftersale"}
	first := bot.WithContentKeys(context.Background(), "job:daily-summary/presale/2026-12-01T01:30")
	if err := r.Bot.Send(first, dest, bot.Message{Markdown: "昨日战报"}); err != nil {
		t.Fatal(err)
	}
	// The crash; the run again sends in another order and one more message.
	again := bot.WithContentKeys(context.Background(), "job:daily-summary/presale/2026-12-01T01:30")
	for _, m := range []struct {
		d    bot.Destination
		text string
	}{{other, "售后组提醒"}, {dest, "昨日战报"}, {dest, "未达标提醒"}} {
		if err := r.Bot.Send(again, m.d, bot.Message{Markdown: m.text}); err != nil {
			t.Fatal(err)
		}
	}
	// Another slot's run is another stem: its identical post goes out.
	next := bot.WithContentKeys(context.Background(), "job:daily-summary/presale/2026-12-02T01:30")
	if err := r.Bot.Send(next, dest, bot.Message{Markdown: "昨日战报"}); err != nil {
		t.Fatal(err)
	}
	r.Drain()
	count := func(chat, text string) int {
		n := 0
		for _, s := range r.BotSaid(chat) {
			if s == text {
				n++
			}
		}
		return n
	}
	if n := count("presale", "昨日战报"); n != 2 {
		t.Errorf("昨日战报 posted %d times, want 2 (one per slot)", n)
	}
	if count("presale", "未达标提醒") != 1 || count("aftersale", "售后组提醒") != 1 {
		t.Errorf("the re-run's new messages: %q / %q", r.BotSaid("presale"), r.BotSaid("aftersale"))
	}
}
