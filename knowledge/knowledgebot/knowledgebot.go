// Package knowledgebot is the knowledge feature's chat side that is not a
// command: the weekly jobs that post to a team's group (the most asked open
// questions, the re-verification reminder, the review by feedback), the
// workbook's 知识众筹 sheet and the demo knowledge base. The commands
// (/submit, /ask, /kb, …) are in handlers.
package knowledgebot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/knowledge"
)

// Knowledge runs the knowledge jobs.
type Knowledge struct {
	Svc *knowledge.Service
	// Prune decides which entries the weekly review proposes to retire
	// (zero: knowledge.DefaultPruneRules).
	Prune knowledge.PruneRules
}

// Jobs lists the knowledge jobs: the weekly unanswered questions, the
// weekly re-verification reminder and the weekly review by feedback.
func (k *Knowledge) Jobs(b *bot.Bot) []*jobs.Job {
	unanswered := func(ctx context.Context, team string, slot time.Time) (bool, error) {
		return k.PostUnanswered(ctx, b, team, slot)
	}
	verify := func(ctx context.Context, team string, slot time.Time) (bool, error) {
		return k.PostVerifyReminder(ctx, b, team, slot)
	}
	return []*jobs.Job{
		jobs.PerTeam("knowledge-unanswered", "每周高频未解答问题：把近 7 天问得最多的 20 个问题发给主管", "0 10 * * 1", unanswered),
		jobs.PerTeam("knowledge-verify", "知识复核提醒：列出已到期或一周内到期的知识条目，@负责人复核", "30 10 * * 1", verify),
		k.PruneJob(b),
	}
}

// InTeam reports whether m is a member of t.
func InTeam(m *bot.Member, t *bot.Team) bool {
	if m == nil || t == nil {
		return false
	}
	for _, id := range m.Teams {
		if id == t.ID {
			return true
		}
	}
	return false
}

// Mention is "@name …" for markdown and the platform user ids for Mentions.
func Mention(platform string, ms []*bot.Member) (string, []string) {
	var names, ids []string
	for _, m := range ms {
		names = append(names, "@"+m.Name)
		if id := m.UserID(platform); id != "" {
			ids = append(ids, id)
		}
	}
	return strings.Join(names, " "), ids
}

// Date is t's day in loc, e.g. 2026-11-23.
func Date(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02") }

// EntryLine is an entry in a list: "#12 question" (the question clipped).
func EntryLine(e *knowledge.Entry) string {
	return fmt.Sprintf("%s %s", e.Ref(), knowledge.Clip(e.Question, 40))
}

// PostTeam posts markdown to the team's chats, replacing {mention} with an
// @-mention of people on each platform.
func PostTeam(ctx context.Context, b *bot.Bot, t *bot.Team, text string, people []*bot.Member) error {
	dests := b.TeamDestinations(t.ID)
	if len(dests) == 0 {
		return fmt.Errorf("%w: team %q has no chat on any platform", bot.ErrNoDestination, t.ID)
	}
	for _, d := range dests {
		names, ids := Mention(d.Platform, people)
		if names != "" {
			names += " "
		}
		msg := bot.Message{Markdown: strings.Replace(text, "{mention}", names, 1), Mentions: ids}
		if err := b.Send(ctx, d, msg); err != nil {
			return err
		}
	}
	return nil
}
