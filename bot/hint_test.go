package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// TestPlainTextHintOnlyWhenAddressed: text that @-s the bot (or a private
// message) is pointed at /help; group chatter is left alone.
func TestPlainTextHintOnlyWhenAddressed(t *testing.T) {
	h := newHarness(t)
	send := func(id string, ev bot.Event) {
		ev.Platform, ev.ChatID, ev.SenderID, ev.MessageID = "console", "t1", "a1", id
		if err := h.bot.Dispatch(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	send("chat-1", bot.Event{ChatType: bot.ChatGroup, Text: "今天好忙"})
	send("at-1", bot.Event{ChatType: bot.ChatGroup, Text: "你好", Mentioned: true})
	send("dm-1", bot.Event{ChatType: bot.ChatSingle, Text: "在吗"})
	got := h.waitFor(t, 2)
	time.Sleep(50 * time.Millisecond) // a third reply would have come by now
	if n := len(h.rec.texts()); n != 2 {
		t.Fatalf("%d replies, want 2 (the @ and the private message): %q", n, h.rec.texts())
	}
	for _, g := range got {
		if !strings.Contains(g, "/help") {
			t.Errorf("hint %q does not point at /help", g)
		}
	}
}
