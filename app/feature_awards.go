package app

import (
	"context"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/reports"
)

// Recognition: monthly titles, the badge ladder, hand-given awards, points
// and leaderboards (see package awards). The service keeps no state beyond
// the store, so commands and jobs may each build their own.
func init() {
	register(Feature{
		Name:     "awards",
		Commands: func(a *App) []*bot.Command { return a.awards().Commands() },
		Jobs:     func(a *App) []*jobs.Job { return a.awards().Jobs(a.Bot) },
		// Last month's ceremony from the KPI history, a 委屈奖 and a
		// mentoring pair; it runs after the KPI and knowledge seeders.
		Seeders: func(a *App) []demo.Seeder { return []demo.Seeder{a.awards().Seeder()} },
	})
}

// awards is the recognition feature's handler, built from config.
func (a *App) awards() *handlers.Awards {
	svc := awards.New(a.Store, a.Cfg.Awards, a.Cfg.Targets, a.Cfg.KPI.StarWeights)
	svc.Teams = awards.TeamMap(a.Cfg.Teams)
	return &handlers.Awards{Svc: svc}
}

// grantContestTitle records a title won in the quarterly contest in the
// recognition ledger, so /badges and the 荣誉勋章 sheet show it.
func (a *App) grantContestTitle(ctx context.Context, t handlers.ContestTitle) error {
	_, _, err := a.awards().Svc.GrantContestTitle(ctx, awards.ContestTitle{Team: t.Team, Member: t.Member, Title: t.Title,
		Contest: t.Contest, Figures: t.Figures, At: t.At})
	return err
}

// AwardStats provides the workbook's 荣誉勋章 sheet (for ReportBuilder).
func (a *App) AwardStats() reports.AwardStats { return handlers.AwardStats{Svc: a.awards().Svc} }

// EvalWeights are the configured 三维绩效 weights (for ReportBuilder).
func (a *App) EvalWeights() reports.Weights {
	w := a.Cfg.Awards.Eval
	return reports.Weights{Service: w.Service, Learning: w.Learning, Team: w.Contribution}
}
