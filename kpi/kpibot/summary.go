package kpibot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
)

// SummaryJob posts the morning summary of yesterday into each team's group.
func (k *KPI) SummaryJob(b *bot.Bot) *jobs.Job {
	return &jobs.Job{
		Name:        "daily-summary",
		Description: "每日战报：昨天的团队指标、前三名、今日之星、未达标提醒",
		DefaultSpec: "30 9 * * *",
		PerTeam:     true,
		Fn: func(ctx context.Context, run jobs.Run) error {
			return k.PostSummary(ctx, b, run.TeamID, run.Slot)
		},
	}
}

// PostSummary builds and posts one team's summary for the day before now;
// with no data for that day it reminds the supervisors to import instead.
func (k *KPI) PostSummary(ctx context.Context, b *bot.Bot, teamID string, now time.Time) error {
	t := b.Directory.Team(teamID)
	if t == nil {
		return fmt.Errorf("unknown team %q", teamID)
	}
	now = now.In(b.Location())
	y := period.Day(now).AddDate(0, 0, -1)
	date := y.Format(period.Layout)
	day, err := k.Repo.Day(ctx, teamID, date)
	if err != nil {
		return err
	}
	mtdRange := period.MonthToDate(now)
	from := mtdRange.FromDate()
	if date < from {
		from = date // on the 1st, yesterday is last month
	}
	note, err := IncompleteNote(ctx, k.Repo, teamID, from, date)
	if err != nil {
		return err
	}
	if day.Total.Records == 0 {
		return b.NotifySupervisors(ctx, t.ID, bot.Message{Markdown: note + reports.NoDataReminder(t.Name, y)})
	}
	prev, err := k.Repo.Day(ctx, teamID, y.AddDate(0, 0, -1).Format(period.Layout))
	if err != nil {
		return err
	}
	mtd, err := k.Repo.Range(ctx, teamID, mtdRange.FromDate(), mtdRange.ToDate())
	if err != nil {
		return err
	}
	in := reports.Daily{
		TeamName: t.Name, Date: y, Day: day, Prev: prev, MTD: mtd, MTDLabel: mtdRange.Label,
		Targets: kpi.TeamTargets(k.Targets, t.Config), Weights: kpi.TeamWeights(k.Weights, t.Config), People: People{b.Directory}, PublicMisses: t.Config.PublicMisses,
	}
	// Each person's trend over the month to date and the two before it.
	for i := 2; i >= 0; i-- {
		r := period.Month(mtdRange.From.AddDate(0, -i, 0))
		if i == 0 {
			r = mtdRange
		}
		rep, err := k.Repo.Range(ctx, teamID, r.FromDate(), r.ToDate())
		if err != nil {
			return err
		}
		in.Months = append(in.Months, reports.MonthReport{Label: fmt.Sprintf("%d月", int(r.From.Month())), Report: rep})
	}
	if err := b.PostTeam(ctx, teamID, bot.Message{Markdown: note + reports.DailySummary(in), Title: t.Name + " 昨日战报"}); err != nil {
		return err
	}
	return sendMisses(ctx, b, t, reports.SupervisorMisses(in))
}

// sendMisses gives the team's supervisors the names below target privately;
// a supervisor without a direct chat is skipped (never the group).
func sendMisses(ctx context.Context, b *bot.Bot, t *bot.Team, text string) error {
	if text == "" {
		return nil
	}
	for _, id := range b.Directory.SupervisorIDs(t.ID) {
		err := b.SendMember(ctx, id, bot.Message{Markdown: text, Title: t.Name + " 未达标明细"})
		if errors.Is(err, bot.ErrNoDestination) {
			b.Logger().Warn("misses not sent: supervisor has no direct chat", "team_id", t.ID, "member_id", id)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}
