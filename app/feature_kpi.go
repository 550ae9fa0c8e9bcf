package app

import (
	"context"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
)

// demoKPIDays is how much KPI history --demo seeds.
const demoKPIDays = 60

func init() {
	register(Feature{
		Name:     "kpi",
		Commands: func(a *App) []*bot.Command { return []*bot.Command{a.kpi().Command()} },
		Jobs: func(a *App) []*jobs.Job {
			k := a.kpi()
			return []*jobs.Job{k.SummaryJob(a.Bot), k.AlertJob(a.Bot, a.Store)}
		},
		Seeders: func(a *App) []demo.Seeder {
			return []demo.Seeder{{Name: "kpi-history", Seed: func(ctx context.Context, b *bot.Bot) error {
				return seedKPI(ctx, a)
			}}}
		},
	})
}

// kpi is the KPI feature's handler, built from config. It holds nothing but
// the store and the config, so each caller may build its own.
func (a *App) kpi() *handlers.KPI {
	return &handlers.KPI{
		Repo:    kpi.NewRepo(a.Store),
		Targets: a.Cfg.Targets,
		Weights: a.Cfg.KPI.StarWeights,
		Alerts:  kpi.AlertOptions{Yellow: a.Cfg.KPI.AlertYellow, Red: a.Cfg.KPI.AlertRed},
	}
}

// seedKPI writes plausible history up to yesterday for every agent.
func seedKPI(ctx context.Context, a *App) error {
	end := period.Day(a.Now()).AddDate(0, 0, -1)
	repo := kpi.NewRepo(a.Store)
	for _, t := range a.Directory.Teams() {
		var agents []kpi.DemoAgent
		for _, m := range t.Members {
			if a.Directory.RoleOf(m) == bot.RoleAgent {
				agents = append(agents, kpi.DemoAgent{ID: m.ID, Senior: m.Level == kpi.LevelSenior})
			}
		}
		if err := repo.PutBatch(ctx, kpi.DemoRecords(t.ID, agents, end, demoKPIDays)); err != nil {
			return err
		}
	}
	return nil
}
