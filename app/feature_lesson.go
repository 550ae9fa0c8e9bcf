package app

import (
	"context"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// Lessons is the app's micro-lesson runner, one per App: its mutex keeps this
// process's ticker and commands from advancing a lesson at once.
func (a *App) Lessons() *lessonbot.Lessons { return a.lessons }

// newLessons builds the lesson runner from config; the practice steps check
// replies with words, and contest titles are recorded through titles.
func newLessons(b *bot.Bot, st store.Store, cfg *config.Config, words *handlers.Wording,
	titles func(context.Context, lessonbot.ContestTitle) error) *lessonbot.Lessons {
	l := lessonbot.NewLessons(b, lesson.NewRepo(st), lessonbot.LessonOptions(cfg.Lesson), nil, "")
	l.NewHire = cfg.Awards.NewHire
	l.Titles = titles
	l.Practice = &lessonbot.Drills{Lessons: l, Check: handlers.WordingCheck(words)}
	return l
}

// lessonFeature is /lesson and its jobs; its background ticker advances the
// lessons' timelines.
func lessonFeature(l *lessonbot.Lessons) Feature {
	return Feature{
		Name:       "lesson",
		Commands:   handlers.Lessons{Runner: l}.Commands(),
		Jobs:       l.Jobs(),
		Seeders:    []demo.Seeder{l.Seeder()},
		Fallbacks:  []bot.Fallback{l.Fallback()},
		Background: l.Run,
	}
}

// LessonStats provides the workbook's 微课堂 sheet (for ReportBuilder).
func (a *App) LessonStats() reports.LessonStats {
	return lessonbot.LessonStats{Repo: a.lessons.Repo, Directory: a.Directory}
}
