package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/platform/console"
)

// cmdShanghai is the demo's time zone.
var cmdShanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// cmdNow is when the command tests run: a Monday in November 2026.
var cmdNow = time.Date(2026, 11, 23, 10, 0, 0, 0, cmdShanghai)

// cmdRig is a started rig at cmdNow with cmds (built from the rig's store
// and config by build).
func cmdRig(t *testing.T, build func(r *bottest.Rig) []*bot.Command) *bottest.Rig {
	t.Helper()
	r := bottest.New(t, bottest.At(cmdNow))
	r.Add(build(r)...)
	r.Start()
	return r
}

// cmdInbox is the console chat id of who's private chat with the bot.
func cmdInbox(who string) string { return console.InboxPrefix + who }

// cmdPrivate is what the bot said in who's private chat after message id
// after.
func cmdPrivate(r *bottest.Rig, who string, after int64) []string {
	var out []string
	for _, e := range r.Messages(cmdInbox(who), after) {
		if e.From == "bot" {
			out = append(out, bottest.Text(e))
		}
	}
	return out
}

// cmdWant fails unless got contains every one of wants.
func cmdWant(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in:\n%s", what, w, got)
		}
	}
}

// cmdAsk asks text in chat as user and checks the reply contains wants.
func cmdAsk(t *testing.T, r *bottest.Rig, chat, user, text string, wants ...string) string {
	t.Helper()
	got := r.Ask(chat, user, text)
	cmdWant(t, chat+" "+user+" "+text, got, wants...)
	return got
}

// cmdUsage is the start of every usage answer.
const cmdUsage = "用法："
