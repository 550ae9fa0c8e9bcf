package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot/bottest"
)

// Someone's wrong answers are theirs: /mistakes in the group is shown to
// them alone, and /practice goes on in their private chat.
func TestMistakesAndPracticeStayPrivate(t *testing.T) {
	r, l := lessonRig(t)
	ctx := context.Background()
	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		t.Fatal(err)
	}
	les := bank.Lessons[0]
	for i := range les.Questions[:2] {
		if err := l.Repo.Miss(ctx, "xiaowang", &les.Questions[i], les, "Z", r.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	wantReply(t, r, "presale", "xiaowang", "/mistakes", "小王 的错题本", "共 2 题")
	wantReply(t, r, "presale", "xiaowang", "/practice", "已私聊发给你")
	r.Drain()
	for _, e := range r.View("presale", "xiaoli", 0) {
		if e.From == "bot" {
			t.Errorf("小李 sees 小王's wrong answers in the group: %q", bottest.Text(e))
		}
	}
	cards := 0
	for _, e := range r.Messages(bottest.Inbox("xiaowang"), 0) {
		if e.Card != nil {
			cards++
		}
	}
	if cards != 1 {
		t.Errorf("小王's private chat has %d practice cards, want the first one", cards)
	}
	// The set is answered there.
	got := ""
	for _, e := range r.Messages(bottest.Inbox("xiaowang"), 0) {
		got += bottest.Text(e) + "\n"
	}
	if !strings.Contains(got, "小王 的错题复习") {
		t.Errorf("the practice intro is not in the private chat:\n%s", got)
	}
}
