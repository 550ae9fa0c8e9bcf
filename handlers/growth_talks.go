package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

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
func (g *Growth) trend(ctx context.Context, b *bot.Bot, team string, now time.Time) (func(string) []growth.MonthMark, error) {
	n := max(g.Cfg.Talks.TrendMonths, 1)
	months, err := awards.LoadMonths(ctx, kpi.NewRepo(g.St), team, lastMonth(now).From, n)
	if err != nil {
		return nil, err
	}
	first := lastMonth(now).From
	targets := g.Targets
	if t := b.Directory.Team(team); t != nil {
		targets = kpi.TeamTargets(g.Targets, t.Config)
	}
	return func(id string) []growth.MonthMark {
		out := make([]growth.MonthMark, 0, len(months))
		for i, rep := range months {
			mk := growth.MonthMark{Month: first.AddDate(0, -i, 0).Format("2006-01")}
			if tot := rep.Agents[id]; tot != nil {
				mk.Data = true
				mk.Met = awards.MeetsMonth(tot, targets, b.Directory.LevelOf(b.Directory.Member(id)))
			}
			out = append(out, mk)
		}
		return out
	}, nil
}

// due lists the team's agents due for a one-to-one in the month of now.
func (g *Growth) due(ctx context.Context, b *bot.Bot, t *bot.Team, now time.Time) ([]growth.Due, error) {
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

// dueText renders who is due, below target first.
func dueText(b *bot.Bot, teamName string, due []growth.Due, month string) string {
	var sb strings.Builder
	if len(due) == 0 {
		return fmt.Sprintf("**%s %s 一对一面谈**：本月每位成员都已面谈，辛苦了！", teamName, month)
	}
	fmt.Fprintf(&sb, "**%s %s 一对一面谈**：还有 %d 人待面谈（未达标的优先）", teamName, month, len(due))
	for i, d := range due {
		fmt.Fprintf(&sb, "\n%d. %s", i+1, nameOf(b, d.Member))
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

func (g *Growth) talkCmd() *bot.Command {
	return &bot.Command{
		Name: "talk", Aliases: []string{"面谈"},
		Summary:  "记录一次一对一面谈（仅主管和经理可见，建议在私聊里发送）",
		Usage:    "/talk @名字 面谈内容和约定的行动",
		Examples: []string{"/talk @小王 最近售后流程不熟，压力大；安排阿强带两周售后，下周复盘"},
		Role:     bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			m, team := req.FindMemberTeam(req.Args[0])
			if m == nil {
				return bot.Usagef("团队里没有找到 %s。", req.Args[0])
			}
			note := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(req.Rest), req.Args[0]))
			if n := len([]rune(note)); n > g.Cfg.Talks.MaxNote {
				return bot.Userf("面谈记录太长了（%d 字），最多 %d 字。", n, g.Cfg.Talks.MaxNote)
			}
			idem := "talk/" + req.Event.Platform + "/" + req.Event.MessageID
			if req.Event.MessageID == "" {
				idem = ""
			}
			t, _, err := growth.AddTalk(ctx, g.St, growth.Talk{Team: team.ID, Member: m.ID, By: req.Member.ID, Note: note, At: req.Now()}, idem)
			if err != nil {
				return err
			}
			req.Bot().Logger().Info("talk recorded", "team_id", team.ID, "member_id", m.ID, "by", req.Member.ID, "seq", t.Seq)
			msg := fmt.Sprintf("已记录和 %s 的面谈（%s）。面谈记录仅主管和经理可见。", m.Name, t.At.In(req.Bot().Location()).Format(period.Layout))
			if req.Event.ChatType != bot.ChatSingle {
				msg += "\n下次请在和班组助手的私聊里发送 /talk，内容就不会出现在群里。"
			}
			return req.ReplyText(ctx, msg)
		},
	}
}

func (g *Growth) talksCmd() *bot.Command {
	return &bot.Command{
		Name: "talks", Aliases: []string{"面谈记录"},
		Summary:  "本月还有谁待面谈（未达标的优先，附近 3 个月趋势）；或查看和某人的面谈记录（只私信给你）",
		Usage:    "/talks [@名字]",
		Examples: []string{"/talks", "/talks @小王"},
		Role:     bot.RoleSupervisor, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			b := req.Bot()
			now := req.Now()
			if len(req.Args) == 0 {
				due, err := g.due(ctx, b, req.Team, now)
				if err != nil {
					return err
				}
				return replyPrivately(ctx, req, bot.Message{Markdown: dueText(b, req.Team.Name, due, period.Month(now).Label)}, "待面谈名单")
			}
			m, team := req.FindMemberTeam(req.Args[0])
			if m == nil {
				return bot.Usagef("团队里没有找到 %s。", req.Args[0])
			}
			talks, err := growth.Talks(ctx, g.St, team.ID, time.Time{}, time.Time{})
			if err != nil {
				return err
			}
			var sb strings.Builder
			n := 0
			for i := len(talks) - 1; i >= 0 && n < 10; i-- {
				t := talks[i]
				if t.Member != m.ID {
					continue
				}
				n++
				fmt.Fprintf(&sb, "\n- %s %s：%s", t.At.In(b.Location()).Format(period.Layout), nameOf(b, t.By), knowledge.Clip(t.Note, 200))
			}
			text := fmt.Sprintf("**和 %s 的面谈记录**（最近 %d 次）%s", m.Name, n, sb.String())
			if n == 0 {
				text = fmt.Sprintf("还没有和 %s 的面谈记录。面谈后发送 /talk @%s 记录。", m.Name, m.Name)
			}
			return replyPrivately(ctx, req, bot.Message{Markdown: text}, "面谈记录")
		},
	}
}

// Jobs is the monthly one-to-one reminder.
func (g *Growth) Jobs(b *bot.Bot) []*jobs.Job {
	return []*jobs.Job{{
		Name:        "growth-talks",
		Description: "每月一对一面谈提醒：私信主管本月待面谈的成员（未达标的优先，附近 3 个月趋势）",
		DefaultSpec: "30 9 1 * *",
		PerTeam:     true,
		Fn: func(ctx context.Context, run jobs.Run) error {
			_, err := g.RemindTalks(ctx, b, run.TeamID, run.Slot)
			return err
		},
	}}
}

// RemindTalks tells each supervisor of the team (its managers when it has
// none) privately who is due for a one-to-one in the month of slot, once
// per team and month. It returns how many it told.
func (g *Growth) RemindTalks(ctx context.Context, b *bot.Bot, teamID string, slot time.Time) (int, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return 0, fmt.Errorf("unknown team %q", teamID)
	}
	slot = slot.In(b.Location())
	due, err := g.due(ctx, b, t, slot)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	month := period.Month(slot)
	key := "talks/" + teamID + "/" + month.From.Format("2006-01")
	first, err := g.St.PutIfAbsent(ctx, growthSentColl, key, []byte(b.Now().UTC().Format(time.RFC3339)))
	if err != nil || !first {
		return 0, err
	}
	msg := bot.Message{Markdown: "⏰ " + dueText(b, t.Name, due, month.Label)}
	sent := 0
	for _, m := range kbSupervisors(b, t) {
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

// TalkStats gives the monthly workbook its 面谈 sheet.
type TalkStats struct{ St store.Store }

var _ reports.TalkStats = TalkStats{}

// TalkSheet lists a team's talks in [from, to].
func (s TalkStats) TalkSheet(ctx context.Context, team string, from, to time.Time) ([]reports.TalkRow, error) {
	talks, err := growth.Talks(ctx, s.St, team, from, to.Add(time.Nanosecond))
	if err != nil {
		return nil, err
	}
	out := make([]reports.TalkRow, 0, len(talks))
	for _, t := range talks {
		out = append(out, reports.TalkRow{Member: t.Member, By: t.By, Date: t.At.In(from.Location()), Note: t.Note})
	}
	return out, nil
}
