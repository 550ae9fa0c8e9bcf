package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/reports"
)

// The morning post is short and names nobody for a miss; the supervisors
// get the misses privately with each person's trend and whom to talk to.
// A team that opts in (public_misses) names the misses in the group.
func TestMorningPostQuietInTheGroup(t *testing.T) {
	now := kpiClock()
	cfg := demoConfig(t)
	cfg.Teams[1].PublicMisses = true // 售后组 opts in
	r := startWith(t, cfg, app.Options{Now: func() time.Time { return now }})

	r.runJob("daily-summary", "presale", now)
	post := r.lastBot("presale")
	if n := strings.Count(post, "\n") + 1; n > reports.MaxSummaryLines {
		t.Errorf("morning post has %d lines, over %d:\n%s", n, reports.MaxSummaryLines, post)
	}
	team := r.app.Bot.Directory.Team("presale")
	for _, line := range strings.Split(post, "\n") {
		if strings.Contains(line, "昨日前三") || strings.Contains(line, "今日之星") {
			continue // praise names people
		}
		for _, m := range team.Members {
			if m.Role == bot.RoleAgent && strings.Contains(line, m.Name) {
				t.Errorf("the group post names %s outside the praise: %q", m.Name, line)
			}
		}
	}
	if strings.Contains(post, "还差一点") {
		t.Errorf("misses in the group without the team's opt-in:\n%s", post)
	}

	// The supervisor's private message lists the misses.
	var private string
	for _, m := range r.messagesOf("inbox:chen") {
		if strings.Contains(m, "未达标明细") {
			private = m
		}
	}
	if private == "" {
		t.Fatal("the supervisor got no private list of misses")
	}
	for _, want := range []string{"售前组 11月22日 未达标明细", "近 3 个月：", "9月 ", "10月 ", "11月 ", "建议本周一对一："} {
		if !strings.Contains(private, want) {
			t.Errorf("the supervisor's list lacks %q:\n%s", want, private)
		}
	}
	named := 0
	for _, m := range team.Members {
		if m.Role == bot.RoleAgent && strings.Contains(private, "**"+m.Name+"**") {
			named++
		}
	}
	if named == 0 {
		t.Errorf("the supervisor's list names no agent:\n%s", private)
	}
	for _, m := range r.messagesOf("inbox:xiaowang") {
		if strings.Contains(m, "未达标明细") {
			t.Errorf("an agent got the supervisors' list: %q", m)
		}
	}

	// 售后组 opted in to public misses: names, no figures, still short.
	r.runJob("daily-summary", "aftersale", now)
	post = r.lastBot("aftersale")
	if !strings.Contains(post, "**💪 还差一点**：") {
		t.Errorf("public misses missing for a team that opted in:\n%s", post)
	}
	if n := strings.Count(post, "\n") + 1; n > reports.MaxSummaryLines {
		t.Errorf("morning post with public misses has %d lines:\n%s", n, post)
	}
}

// messagesOf lists the bodies of the bot's messages in a console chat.
func (r *running) messagesOf(chat string) []string {
	r.t.Helper()
	r.drain()
	var page struct{ Messages []message }
	r.get("/console/api/messages?chat_id="+chat, &page)
	var out []string
	for _, m := range page.Messages {
		if m.From == "bot" {
			out = append(out, m.Markdown+m.Text)
		}
	}
	return out
}
