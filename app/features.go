package app

import (
	"context"
	"net/http"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/jobs"
)

// Feature is one product feature's contribution to banzu: its chat commands,
// scheduled jobs, demo data, non-command message handlers and HTTP routes.
// Each feature registers itself from its own feature_*.go file, so features
// are added without touching the wiring.
type Feature struct {
	Name      string
	Commands  func(a *App) []*bot.Command
	Jobs      func(a *App) []*jobs.Job
	Seeders   func(a *App) []demo.Seeder
	Fallbacks func(a *App) []bot.Fallback
	Routes    func(a *App, mux *http.ServeMux)
	// Background runs for the life of the process (a ticker, a connection);
	// it must return when ctx ends. Start launches it and stop waits for it.
	Background func(a *App, ctx context.Context)
}

// features is filled by init functions in feature_*.go (in file-name order,
// which is also the order of commands in /help). Demo seeders run in that
// order too unless they name what they build on (demo.Seeder.After).
var features []Feature

func register(f Feature) { features = append(features, f) }

// install adds every feature to the app.
func (a *App) install(cmds *bot.Commands) {
	for _, f := range features {
		if f.Commands != nil {
			cmds.Add(f.Commands(a)...)
		}
		if f.Jobs != nil {
			a.Jobs.Add(f.Jobs(a)...)
		}
		if f.Fallbacks != nil {
			for _, fb := range f.Fallbacks(a) {
				a.Bot.AddFallback(fb)
			}
		}
		if f.Routes != nil {
			f.Routes(a, a.Mux)
		}
		if f.Seeders != nil {
			a.seeders = append(a.seeders, f.Seeders(a)...)
		}
	}
}
