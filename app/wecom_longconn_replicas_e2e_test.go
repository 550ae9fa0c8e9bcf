package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
	"github.com/banzu-bot/banzu/store/redistest"
)

// TestWeComLongConnTwoReplicas runs two banzu processes on one Redis against
// the fake: one connection at a time, posts queued at either replica are
// delivered once, and the survivor takes over when the other stops.
func TestWeComLongConnTwoReplicas(t *testing.T) {
	fastLongConn(t)
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	srv := wecomtest.New(t, lcBotID, lcSecret)
	replica := func(owner string) *lcBanzu {
		cfg := longconnConfig(t, srv, lcSecret)
		cfg.Store.Driver = "redis"
		cfg.Store.Redis.URL = url
		cfg.Store.Redis.Prefix = prefix
		return startLongConnBanzu(t, cfg, app.Options{Owner: owner})
	}
	r1 := replica("r1")
	srv.Wait(lcWait, "the first connection", func(s wecomtest.Snapshot) bool { return s.Online })
	r2 := replica("r2")
	ctx := context.Background()

	// Posts queued at either process are delivered once each.
	for i, r := range []*lcBanzu{r1, r2, r1, r2} {
		if err := r.a.Bot.PostTeam(ctx, "presale", bot.Message{Markdown: "通知 " + string(rune('A'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Wait(lcWait, "four posts", func(s wecomtest.Snapshot) bool { return len(s.Of("aibot_send_msg")) >= 4 })
	// A message is answered once, wherever the connection is now.
	msg := srv.SendText(wecomtest.Message{ChatID: "wrkPresale", UserID: "qw-xiaowang", Text: "/whoami"})
	answered := func(s wecomtest.Snapshot) int {
		n := 0
		for _, r := range s.Of("aibot_respond_msg") {
			if r.ReqID == msg {
				n++
			}
		}
		for _, r := range s.Of("aibot_send_msg") {
			if strings.Contains(r.Str("markdown", "content"), "小王") {
				n++
			}
		}
		return n
	}
	srv.Wait(lcWait, "the answer", func(s wecomtest.Snapshot) bool { return answered(s) >= 1 })
	r1.drain(t)
	time.Sleep(100 * time.Millisecond)
	s := srv.State()
	seen := map[string]int{}
	for _, r := range s.Of("aibot_send_msg") {
		seen[r.Str("markdown", "content")]++
	}
	for i := range 4 {
		if c := seen["通知 "+string(rune('A'+i))]; c != 1 {
			t.Errorf("post %c delivered %d times", 'A'+i, c)
		}
	}
	if n := answered(s); n != 1 {
		t.Errorf("message answered %d times", n)
	}

	// The replica that holds the outbox stops: the other one delivers and
	// holds the connection.
	r1.stop()
	if err := r2.a.Bot.PostTeam(ctx, "presale", bot.Message{Markdown: "接管后的通知"}); err != nil {
		t.Fatal(err)
	}
	pushWith(t, srv, "the post after r1 stopped", "wrkPresale", markdownHas("接管后的通知"))
	r2.stop()
	s = srv.State()
	if s.MaxConcurrent != 1 || s.Kicks != 0 {
		t.Errorf("max concurrent connections %d, kicks %d: the replicas fought", s.MaxConcurrent, s.Kicks)
	}
	t.Logf("subscriptions %d over %d connections", s.Subscribed, s.Connections)
}
