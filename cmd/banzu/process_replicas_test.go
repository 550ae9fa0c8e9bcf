package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
	"github.com/banzu-bot/banzu/store/redistest"
)

// TestTwoReplicasOnOneRedis starts two banzu processes on one Redis: a
// message sent through either is answered exactly once, and a job scheduled
// every minute runs once per slot.
func TestTwoReplicasOnOneRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	cfg := writeConfig(t, fmt.Sprintf("store:\n  driver: redis\n  redis:\n    url: %q\n    prefix: %q\nschedules:\n  daily-summary: \"* * * * *\"\n", url, prefix))
	env := []string{"BANZU_CONFIG=" + cfg}
	begin := time.Now()
	a := startProc(t, env, "--demo")
	b := startProc(t, env, "--demo")

	a.say("presale", "xiaowang", "/whoami")
	b.say("presale", "xiaoli", "/whoami")
	waitFor(t, 15*time.Second, "both answers", func() bool {
		return a.countBot("presale", "你是 **小王**") == 1 && a.countBot("presale", "你是 **小李**") == 1
	})
	if n := a.countBot("presale", "大家好，我是"); n != 1 {
		t.Errorf("the demo welcome was posted %d times by two replicas", n)
	}

	// A lesson started through replica a takes an answer that arrives at b.
	// Commands run concurrently, so each step waits for the one before.
	a.say("presale", "chen", "/lesson start 运费险")
	waitFor(t, 10*time.Second, "the knowledge point", func() bool { return a.countBot("presale", "每日微课堂 · 运费险") == 1 })
	a.say("presale", "chen", "/lesson skip") // to the case
	waitFor(t, 10*time.Second, "the case", func() bool { return a.countBot("presale", "**讨论**") == 1 })
	a.say("presale", "chen", "/lesson skip") // to the quiz
	var option string
	waitFor(t, 15*time.Second, "the first quiz question", func() bool {
		for _, m := range a.messages("presale") {
			if m.Card != nil && strings.Contains(m.Card.Title, "第 1/") && len(m.Card.Options) > 0 {
				option = m.Card.Options[0].ID
				return true
			}
		}
		return false
	})
	b.say("presale", "xiaowang", "/a "+option)
	waitFor(t, 10*time.Second, "the answer acknowledged to 小王 alone", func() bool {
		for _, m := range a.messagesFor("presale", "xiaowang") {
			if m.From == "bot" && strings.Contains(m.Markdown+m.Text, "第 1 题：✅ 你的答案") {
				return a.countBot("presale", "已记录") == 0
			}
		}
		return false
	})
	a.say("presale", "chen", "/lesson skip") // close question 1
	waitFor(t, 10*time.Second, "question 1 closed with b's answer counted", func() bool {
		for _, m := range a.messages("presale") {
			if m.Card == nil {
				continue
			}
			// Question 1's answer rides on question 2's card.
			if text := m.Card.Text; strings.Contains(text, "上一题（第 1 题）") {
				return strings.Contains(text, "/1 人")
			}
		}
		return false
	})
	a.say("presale", "chen", "/lesson stop")

	// Wait for the next minute's slot to pass, then a little for delivery.
	next := time.Now().Truncate(time.Minute).Add(time.Minute)
	waitFor(t, time.Until(next)+30*time.Second, "the scheduled summary", func() bool {
		return time.Now().After(next) && a.countBot("presale", "昨日战报") >= 1 && a.countBot("aftersale", "昨日战报") >= 1
	})
	time.Sleep(2 * time.Second) // a duplicate would have landed by now
	// Both replicas ran the same slots. Every minute boundary since the
	// replicas started is a slot (the lesson above may already span one), so
	// there is at most one summary per boundary crossed.
	slots := int(time.Now().Truncate(time.Minute).Sub(begin.Truncate(time.Minute)) / time.Minute)
	if got, limit := a.countBot("presale", "昨日战报"), slots; got > limit {
		t.Errorf("%d summaries in the presale group for %d slot(s): a slot ran twice", got, limit)
	}
	// Both replicas reached the slot; the one that came second stood down.
	if !strings.Contains(a.logs()+b.logs(), "job slot already taken") {
		t.Error("neither replica found the summary's slot taken: the lock was not exercised")
	}
	// Exactly one of them delivered: both see the same shared chat.
	if x, y := a.countBot("presale", "你是 **小王**"), b.countBot("presale", "你是 **小王**"); x != 1 || y != 1 {
		t.Errorf("answer delivered %d/%d times (replica a/b), want once", x, y)
	}
}

// TestWeComLongConnTwoProcesses runs two `banzu serve` processes on one Redis
// against a fake WeCom socket server: only one holds the robot's connection at
// a time, and an announcement queued at either process reaches WeCom once.
func TestWeComLongConnTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	ws := wecomtest.New(t, "aibot-proc", "secret-proc")
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	cfg := writeConfig(t, fmt.Sprintf(`store:
  driver: redis
  redis: {url: %q, prefix: %q}
wecom:
  aibot: {bot_id: aibot-proc, secret: secret-proc, ws_url: %q}
teams:
  - id: t1
    name: 售前组
    wecom: {chat_id: wrkT1}
    members:
      - {id: chen, name: 陈主管, role: supervisor, wecom_userid: qw-chen}
`, url, prefix, ws.URL()))
	env := []string{"BANZU_CONFIG=" + cfg}
	a := startProc(t, env)
	b := startProc(t, env)
	ws.Wait(30*time.Second, "a connection", func(s wecomtest.Snapshot) bool { return s.Online })

	a.say("t1", "chen", "/announce 通知甲")
	b.say("t1", "chen", "/announce 通知乙")
	a.say("t1", "chen", "/announce 通知丙")
	has := func(s wecomtest.Snapshot, text string) int {
		n := 0
		for _, r := range s.Of("aibot_send_msg") {
			if strings.Contains(r.Str("markdown", "content"), text) {
				n++
			}
		}
		return n
	}
	ws.Wait(60*time.Second, "three announcements", func(s wecomtest.Snapshot) bool {
		return has(s, "通知甲") >= 1 && has(s, "通知乙") >= 1 && has(s, "通知丙") >= 1
	})
	time.Sleep(2 * time.Second) // room for a duplicate
	s := ws.State()
	for _, text := range []string{"通知甲", "通知乙", "通知丙"} {
		if n := has(s, text); n != 1 {
			t.Errorf("%s reached WeCom %d times, want once", text, n)
		}
	}
	if s.MaxConcurrent != 1 || s.Kicks != 0 {
		t.Errorf("max concurrent connections %d, kicks %d: the processes fought over the robot", s.MaxConcurrent, s.Kicks)
	}
}
