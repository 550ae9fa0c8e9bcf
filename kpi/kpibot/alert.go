package kpibot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/store"
)

// alertsLedger records the alerts posted, one per team and day.
const alertsLedger = "kpi.alerts"

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
		msg.Mentions = b.Directory.SupervisorIDs(t.ID)
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
