package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// alertsLedger records the alerts posted, one per team and day.
const alertsLedger = "kpi.alerts"

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
	note, err := k.incompleteNote(ctx, teamID, from, date)
	if err != nil {
		return err
	}
	if day.Total.Records == 0 {
		return notifySupervisors(ctx, b, t, bot.Message{Markdown: note + reports.NoDataReminder(t.Name, y)})
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
		Targets: kpi.TeamTargets(k.Targets, t.Config), Weights: kpi.TeamWeights(k.Weights, t.Config), People: people{b.Directory}, PublicMisses: t.Config.PublicMisses,
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
	for _, id := range supervisors(b, t) {
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

// AlertJob checks yesterday's bad-review rate against the trailing week and
// posts a warning once per team and day.
func (k *KPI) AlertJob(b *bot.Bot, st store.Store) *jobs.Job {
	return &jobs.Job{
		Name:        "kpi-alerts",
		Description: "差评预警：差评率比近 7 天上升 50% 黄色提醒，翻倍红色提醒并 @主管",
		DefaultSpec: "15 * * * *",
		PerTeam:     true,
		Fn: func(ctx context.Context, run jobs.Run) error {
			y := period.Day(run.Slot.In(b.Location())).AddDate(0, 0, -1)
			_, err := k.CheckAlert(ctx, b, st, run.TeamID, y.Format(period.Layout))
			return err
		},
	}
}

// CheckAlert checks one team's day and posts the alert if it fires and was
// not posted before. It reports the alert it posted, if any.
func (k *KPI) CheckAlert(ctx context.Context, b *bot.Bot, st store.Store, teamID, date string) (*kpi.Alert, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return nil, fmt.Errorf("unknown team %q", teamID)
	}
	d, err := time.Parse(period.Layout, date)
	if err != nil {
		return nil, err
	}
	series, err := k.Repo.Series(ctx, teamID, d.AddDate(0, 0, -7).Format(period.Layout), date, "")
	if err != nil {
		return nil, err
	}
	a, fired := kpi.CheckBadReviews(series, date, k.Alerts)
	if !fired {
		return nil, nil
	}
	entry, _ := json.Marshal(map[string]any{"team": teamID, "date": date, "level": a.Level.String(), "rate": a.Rate, "baseline": a.Baseline})
	if _, created, err := st.Append(ctx, alertsLedger, teamID+"/"+date, entry); err != nil || !created {
		return nil, err // posted already (or the ledger failed)
	}
	msg := bot.Message{Markdown: alertText(t.Name, a)}
	if a.Level == kpi.AlertRed {
		msg.Mentions = supervisors(b, t)
	}
	if err := b.PostTeam(ctx, teamID, msg); err != nil {
		return nil, err
	}
	return &a, nil
}

func alertText(team string, a kpi.Alert) string {
	icon, advice := "🟡", "请大家留意服务态度和解答准确度。"
	if a.Level == kpi.AlertRed {
		icon, advice = "🔴", "请主管今天抽查差评会话，找出原因并在群里同步改进措施。"
	}
	return fmt.Sprintf("%s **%s 差评预警**\n%s\n%s", icon, team, a.Message(), advice)
}

// supervisors lists the member ids of a team's supervisors.
func supervisors(b *bot.Bot, t *bot.Team) []string {
	var ids []string
	for _, m := range b.Directory.Supervisors(t.ID) {
		ids = append(ids, m.ID)
	}
	return ids
}

// notifySupervisors sends msg to the team's supervisors directly, or into
// the group @-mentioning them when they cannot be reached directly.
func notifySupervisors(ctx context.Context, b *bot.Bot, t *bot.Team, msg bot.Message) error {
	sups := supervisors(b, t)
	for _, id := range sups {
		err := b.SendMember(ctx, id, msg)
		if err == nil {
			continue
		}
		if !errors.Is(err, bot.ErrNoDestination) {
			return err
		}
		msg.Mentions = sups
		return b.PostTeam(ctx, t.ID, msg)
	}
	if len(sups) == 0 {
		return b.PostTeam(ctx, t.ID, msg)
	}
	return nil
}
