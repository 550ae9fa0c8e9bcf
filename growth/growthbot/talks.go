// Package growthbot is the growth feature's chat side beyond its commands:
// the monthly one-to-one reminder job and the workbook's 面谈 adapter. The
// /level, /path, /talk and /talks commands are in handlers.
package growthbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/store"
)

// Talks runs the one-to-one reminders and tells who is due for one.
type Talks struct {
	St      store.Store
	Cfg     config.Growth
	Targets config.Targets
}

// LastMonth is the last complete month before now.
func LastMonth(now time.Time) period.Range {
	return period.Month(period.Month(now).From.AddDate(0, 0, -1))
}

// growthSentColl marks the monthly reminders sent, per team and month.
const growthSentColl = "growth.sent"

// talkAgents are a team's members a supervisor talks with: its agents.
func talkAgents(b *bot.Bot, t *bot.Team) []string {
	var out []string
	for _, m := range t.Members {
		if b.Directory.RoleOf(m) == bot.RoleAgent {
			out = append(out, m.ID)
		}
	}
	return out
}

// trend reads the team's KPI trend of the months up to the one before now.
func (g *Talks) trend(ctx context.Context, b *bot.Bot, team string, now time.Time) (func(string) []growth.MonthMark, error) {
	n := max(g.Cfg.Talks.TrendMonths, 1)
	months, err := awards.LoadMonths(ctx, kpi.NewRepo(g.St), team, LastMonth(now).From, n)
	if err != nil {
		return nil, err
	}
	first := LastMonth(now).From
	levels, err := growth.LoadHistory(ctx, g.St)
	if err != nil {
		return nil, err
	}
	targets := g.Targets
	if t := b.Directory.Team(team); t != nil {
		targets = kpi.TeamTargets(g.Targets, t.Config)
	}
	return func(id string) []growth.MonthMark {
		out := make([]growth.MonthMark, 0, len(months))
		for i, rep := range months {
			month := period.Month(first.AddDate(0, -i, 0))
			mk := growth.MonthMark{Month: month.From.Format("2006-01")}
			if tot := rep.Agents[id]; tot != nil {
				mk.Data = true
				// Each month at the level held then.
				level := levels.At(id, b.Directory.LevelOf(b.Directory.Member(id)), month.End())
				mk.Met = awards.MeetsMonth(tot, targets, level)
			}
			out = append(out, mk)
		}
		return out
	}, nil
}

// Due lists the team's agents due for a one-to-one in the month of now.
func (g *Talks) Due(ctx context.Context, b *bot.Bot, t *bot.Team, now time.Time) ([]growth.Due, error) {
	talks, err := growth.Talks(ctx, g.St, t.ID, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	tr, err := g.trend(ctx, b, t.ID, now)
	if err != nil {
		return nil, err
	}
	return growth.DueTalks(talkAgents(b, t), talks, period.Month(now).From, tr), nil
}

func trendText(ms []growth.MonthMark) string {
	var parts []string
	for i := len(ms) - 1; i >= 0; i-- {
		mark := "—"
		switch {
		case ms[i].Met:
			mark = "✅"
		case ms[i].Data:
			mark = "❌"
		}
		parts = append(parts, strings.TrimLeft(ms[i].Month[5:], "0")+"月"+mark)
	}
	return strings.Join(parts, " ")
}

// DueText renders who is due, below target first.
func DueText(b *bot.Bot, teamName string, due []growth.Due, month string) string {
	var sb strings.Builder
	if len(due) == 0 {
		return fmt.Sprintf("**%s %s 一对一面谈**：本月每位成员都已面谈，辛苦了！", teamName, month)
	}
	fmt.Fprintf(&sb, "**%s %s 一对一面谈**：还有 %d 人待面谈（未达标的优先）", teamName, month, len(due))
	for i, d := range due {
		fmt.Fprintf(&sb, "\n%d. %s", i+1, name(b, d.Member))
		if d.Below {
			sb.WriteString(" ⚠ 上月未达标")
		}
		fmt.Fprintf(&sb, " · 近%d月 %s", len(d.Trend), trendText(d.Trend))
		if d.Last != nil {
			fmt.Fprintf(&sb, " · 上次面谈 %s", d.Last.At.In(b.Location()).Format(period.Layout))
		} else {
			sb.WriteString(" · 还没有面谈记录")
		}
	}
	sb.WriteString("\n\n聊聊困难和状态，约定一个行动（如安排资深同事带售后流程）。面谈后发送 /talk @名字 记录。")
	return sb.String()
}

// Jobs is the monthly one-to-one reminder.
func (g *Talks) Jobs(b *bot.Bot) []*jobs.Job {
	remind := func(ctx context.Context, teamID string, slot time.Time) (int, error) {
		return g.RemindTalks(ctx, b, teamID, slot)
	}
	return []*jobs.Job{jobs.PerTeam("growth-talks", "每月一对一面谈提醒：私信主管本月待面谈的成员（未达标的优先，附近 3 个月趋势）", "30 9 1 * *", remind)}
}

// RemindTalks tells each supervisor of the team (its managers when it has
// none) privately who is due for a one-to-one in the month of slot, once
// per team and month. It returns how many it told.
func (g *Talks) RemindTalks(ctx context.Context, b *bot.Bot, teamID string, slot time.Time) (int, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return 0, fmt.Errorf("unknown team %q", teamID)
	}
	slot = slot.In(b.Location())
	due, err := g.Due(ctx, b, t, slot)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	month := period.Month(slot)
	key := "talks/" + teamID + "/" + month.From.Format("2006-01")
	first, err := g.St.PutIfAbsent(ctx, growthSentColl, key, []byte(b.Now().UTC().Format(time.RFC3339)))
	if err != nil || !first {
		return 0, err
	}
	msg := bot.Message{Markdown: "⏰ " + DueText(b, t.Name, due, month.Label)}
	sent := 0
	for _, m := range b.Directory.Leads(t.ID) {
		if err := b.SendMember(ctx, m.ID, msg); err != nil {
			b.Logger().Warn("talk reminder not delivered", "job", "growth-talks", "team_id", teamID, "user_id", m.ID, "error", err)
			continue
		}
		sent++
	}
	if sent == 0 {
		_ = g.St.Delete(ctx, growthSentColl, key)
		return 0, fmt.Errorf("growth-talks: no supervisor of %s reachable", teamID)
	}
	return sent, nil
}

// name is a member's name, or id when the roster does not know them.
func name(b *bot.Bot, id string) string {
	if m := b.Directory.Member(id); m != nil {
		return m.Name
	}
	return id
}
