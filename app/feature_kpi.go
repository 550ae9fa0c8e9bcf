package app

import (
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/kpi/kpibot"
	"github.com/banzu-bot/banzu/store"
)

// kpiFeature is /kpi, the daily summary and the alerts (kpi/kpibot); --demo
// adds KPI history up to yesterday.
func kpiFeature(k *kpibot.KPI, b *bot.Bot, st store.Store, now func() time.Time) Feature {
	cmd := &handlers.KPI{Repo: k.Repo, Targets: k.Targets, Weights: k.Weights}
	return Feature{
		Name:     "kpi",
		Commands: []*bot.Command{cmd.Command()},
		Jobs:     []*jobs.Job{k.SummaryJob(b), k.AlertJob(b, st)},
		Seeders:  []demo.Seeder{k.DemoSeeder(now)},
	}
}

// newKPI is the KPI feature, built from config. It holds nothing but the
// store and the config.
func newKPI(st store.Store, cfg *config.Config) *kpibot.KPI {
	return &kpibot.KPI{
		Repo:    kpi.NewRepo(st),
		Targets: cfg.Targets,
		Weights: cfg.KPI.StarWeights,
		Alerts:  kpi.AlertOptions{Yellow: cfg.KPI.AlertYellow, Red: cfg.KPI.AlertRed},
	}
}
