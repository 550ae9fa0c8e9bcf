package app

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/store"
)

// demoKPIDays is how much KPI history --demo seeds.
const demoKPIDays = 60

// kpiFeature is /kpi, the daily summary and the alerts; --demo adds KPI
// history up to yesterday.
func kpiFeature(h *handlers.KPI, b *bot.Bot, st store.Store, dir *bot.Directory, now func() time.Time) Feature {
	return Feature{
		Name:     "kpi",
		Commands: []*bot.Command{h.Command()},
		Jobs:     []*jobs.Job{h.SummaryJob(b), h.AlertJob(b, st)},
		Seeders: []demo.Seeder{{Name: "kpi-history", Seed: func(ctx context.Context, _ *bot.Bot) error {
			return seedKPI(ctx, h.Repo, dir, now())
		}}},
	}
}

// newKPI is the KPI feature's handler, built from config. It holds nothing
// but the store and the config.
func newKPI(st store.Store, cfg *config.Config) *handlers.KPI {
	return &handlers.KPI{
		Repo:    kpi.NewRepo(st),
		Targets: cfg.Targets,
		Weights: cfg.KPI.StarWeights,
		Alerts:  kpi.AlertOptions{Yellow: cfg.KPI.AlertYellow, Red: cfg.KPI.AlertRed},
	}
}

// seedKPI writes plausible history up to the day before now for every agent.
func seedKPI(ctx context.Context, repo *kpi.Repo, dir *bot.Directory, now time.Time) error {
	end := period.Day(now).AddDate(0, 0, -1)
	for _, t := range dir.Teams() {
		var agents []kpi.DemoAgent
		for _, m := range t.Members {
			if dir.RoleOf(m) == bot.RoleAgent {
				agents = append(agents, kpi.DemoAgent{ID: m.ID, Senior: m.Level == kpi.LevelSenior})
			}
		}
		if err := repo.PutBatch(ctx, kpi.DemoRecords(t.ID, agents, end, demoKPIDays)); err != nil {
			return err
		}
	}
	return nil
}
