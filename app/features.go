package app

import (
	"context"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
)

// Feature is one product feature's contribution to banzu: its chat commands,
// scheduled jobs, demo data and non-command message handlers. Each feature
// builds its Feature in its own feature_*.go file from what it is given;
// features lists them all. HTTP routes are in routes.go.
type Feature struct {
	Name      string
	Commands  []*bot.Command
	Jobs      []*jobs.Job
	Seeders   []demo.Seeder
	Fallbacks []bot.Fallback
	// Background runs for the life of the process (a ticker, a connection);
	// it must return when ctx ends. Start launches it and stop waits for it.
	Background func(ctx context.Context)
}

// buildFeatures builds the feature handlers that other features, reports or
// the HTTP side share, in dependency order: the knowledge base (whose 话术
// check /submit uses), the recognition service, the lesson runner (which
// needs both) and growth (which reads knowledge and lessons).
func (a *App) buildFeatures() {
	a.knowledge = newKnowledge(a.Store, a.Cfg, a.Now)
	a.awards = newAwards(a.Store, a.Cfg)
	a.lessons = newLessons(a.Bot, a.Store, a.Cfg, a.knowledge.Words, a.grantContestTitle)
	a.growth = newGrowth(a.Store, a.Cfg, a.knowledge.Svc, a.lessons.Repo, a.referralFollowUp)
}

// features lists banzu's features, in the order of the commands in /help.
// Demo seeders run in this order too unless they name what they build on
// (demo.Seeder.After).
func (a *App) features() []Feature {
	return []Feature{
		coreFeature(a.Bot.Commands),
		awardsFeature(a.awards, a.Bot),
		growthFeature(a.growth, a.Bot),
		knowledgeFeature(a.knowledge, a.Bot, a.Store, a.Cfg, a.Now),
		kpiFeature(newKPI(a.Store, a.Cfg), a.Bot, a.Store, a.Now),
		lessonFeature(a.lessons),
		practiceFeature(a.lessons),
		reportFeature(&handlers.Report{Builder: a.ReportBuilder()}, a.Bot),
		wordingFeature(a.knowledge.Words),
	}
}

// install builds the features and adds them to the app.
func (a *App) install(cmds *bot.Commands) {
	a.buildFeatures()
	for _, f := range a.features() {
		cmds.Add(f.Commands...)
		a.Jobs.Add(f.Jobs...)
		for _, fb := range f.Fallbacks {
			a.Bot.AddFallback(fb)
		}
		a.seeders = append(a.seeders, f.Seeders...)
		if f.Background != nil {
			a.background = append(a.background, f.Background)
		}
	}
}
