package app

import (
	"context"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/awards/awardsbot"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// Recognition: monthly titles, the badge ladder, hand-given awards, points
// and leaderboards (see package awards).
func awardsFeature(h *handlers.Awards, b *bot.Bot) Feature {
	rec := &awardsbot.Awards{Svc: h.Svc}
	return Feature{
		Name:     "awards",
		Commands: h.Commands(),
		Jobs:     rec.Jobs(b),
		// Last month's ceremony from the KPI history, a 委屈奖 and a
		// mentoring pair; it runs after the KPI and knowledge seeders.
		Seeders: []demo.Seeder{rec.Seeder()},
	}
}

// newAwards is the recognition feature's handler, built from config. The
// service keeps no state beyond the store.
func newAwards(st store.Store, cfg *config.Config) *handlers.Awards {
	svc := awards.New(st, cfg.Awards, cfg.Targets, cfg.KPI.StarWeights)
	svc.Teams = awards.TeamMap(cfg.Teams)
	return &handlers.Awards{Svc: svc}
}

// grantContestTitle records a title won in the quarterly contest in the
// recognition ledger, so /badges and the 荣誉勋章 sheet show it.
func (a *App) grantContestTitle(ctx context.Context, t lessonbot.ContestTitle) error {
	_, _, err := a.awards.Svc.GrantContestTitle(ctx, awards.ContestTitle{Team: t.Team, Member: t.Member, Title: t.Title,
		Contest: t.Contest, Figures: t.Figures, At: t.At})
	return err
}

// AwardStats provides the workbook's 荣誉勋章 sheet (for ReportBuilder).
func (a *App) AwardStats() reports.AwardStats { return awardsbot.AwardStats{Svc: a.awards.Svc} }

// EvalWeights are the configured 三维绩效 weights (for ReportBuilder).
func (a *App) EvalWeights() reports.Weights {
	w := a.Cfg.Awards.Eval
	return reports.Weights{Service: w.Service, Learning: w.Learning, Team: w.Contribution}
}
