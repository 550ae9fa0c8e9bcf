package kpibot

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
)

// demoDays is how much KPI history --demo seeds.
const demoDays = 60

// DemoSeeder is the "kpi-history" demo seeder: plausible history up to
// the day before now() for every agent of the roster.
func (k *KPI) DemoSeeder(now func() time.Time) demo.Seeder {
	return demo.Seeder{Name: "kpi-history", Seed: func(ctx context.Context, b *bot.Bot) error {
		return seedHistory(ctx, k.Repo, b.Directory, now())
	}}
}

// seedHistory writes plausible history up to the day before now for every agent.
func seedHistory(ctx context.Context, repo *kpi.Repo, dir *bot.Directory, now time.Time) error {
	end := period.Day(now).AddDate(0, 0, -1)
	for _, t := range dir.Teams() {
		var agents []kpi.DemoAgent
		for _, m := range t.Members {
			if dir.RoleOf(m) == bot.RoleAgent {
				agents = append(agents, kpi.DemoAgent{ID: m.ID, Senior: m.Level == kpi.LevelSenior})
			}
		}
		if err := repo.PutBatch(ctx, kpi.DemoRecords(t.ID, agents, end, demoDays)); err != nil {
			return err
		}
	}
	return nil
}
