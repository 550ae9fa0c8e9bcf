package app

import (
	"context"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/lesson"
)

// lessonTick is how often the lesson timelines are checked for due steps.
const lessonTick = time.Second

// lessonsByApp keeps each App's lesson runner (the App struct belongs to the
// wiring; features keep their own state).
var (
	lessonsMu    sync.Mutex
	lessonsByApp = map[*App]*handlers.Lessons{}
)

// Lessons is the app's micro-lesson runner.
func (a *App) Lessons() *handlers.Lessons {
	lessonsMu.Lock()
	defer lessonsMu.Unlock()
	l := lessonsByApp[a]
	if l == nil {
		l = handlers.NewLessons(a.Bot, lesson.NewRepo(a.Store), lesson.DefaultOptions(), nil, "")
		lessonsByApp[a] = l
	}
	return l
}

func init() {
	register(Feature{
		Name:      "lesson",
		Commands:  func(a *App) []*bot.Command { return a.Lessons().Commands() },
		Jobs:      func(a *App) []*jobs.Job { return a.Lessons().Jobs() },
		Seeders:   func(a *App) []demo.Seeder { return []demo.Seeder{a.Lessons().Seeder()} },
		Fallbacks: func(a *App) []bot.Fallback { return []bot.Fallback{a.Lessons().Fallback()} },
		Background: func(a *App, ctx context.Context) {
			l := a.Lessons()
			t := time.NewTicker(lessonTick)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if err := l.Tick(ctx); err != nil && ctx.Err() == nil {
						a.Log.Warn("lesson tick failed", "error", err)
					}
				}
			}
		},
	})
}
