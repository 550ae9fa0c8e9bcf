package app

import (
	"context"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/knowledge"
)

// Knowledge crowdsourcing: /submit, /ask, /kb, review, re-verification and
// the weekly jobs (see package knowledge). The service keeps nothing but a
// search cache checked against the store, so commands and jobs may each have
// their own.
func init() {
	register(Feature{
		Name: "knowledge",
		Commands: func(a *App) []*bot.Command {
			return newKnowledge(a).Commands()
		},
		Jobs: func(a *App) []*jobs.Job {
			return newKnowledge(a).Jobs(a.Bot)
		},
		Seeders: func(a *App) []demo.Seeder {
			return []demo.Seeder{{Name: "knowledge", Seed: func(ctx context.Context, b *bot.Bot) error {
				name := func(id string) string {
					if m := b.Directory.Member(id); m != nil {
						return m.Name
					}
					return id
				}
				return knowledge.SeedDemo(ctx, a.Store, knowledgeSettings(a), a.Now(), name)
			}}}
		},
	})
}

// knowledgeSettings are the knowledge rules; the defaults until the config
// has a knowledge section.
func knowledgeSettings(*App) knowledge.Settings { return knowledge.DefaultSettings() }

func newKnowledge(a *App) *handlers.Knowledge {
	return &handlers.Knowledge{Svc: knowledge.New(a.Store, knowledgeSettings(a), a.Now)}
}
