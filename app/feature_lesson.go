package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// lessonTick is how often the lesson timelines are checked for due steps.
const lessonTick = time.Second

// Lessons is the app's micro-lesson runner, one per App: its mutex keeps this
// process's ticker and commands from advancing a lesson at once.
func (a *App) Lessons() *handlers.Lessons { return a.lessons }

// newLessons builds the lesson runner from config; the practice steps check
// replies with words, and contest titles are recorded through titles.
func newLessons(b *bot.Bot, st store.Store, cfg *config.Config, words *handlers.Wording,
	titles func(context.Context, handlers.ContestTitle) error) *handlers.Lessons {
	l := handlers.NewLessons(b, lesson.NewRepo(st), LessonOptions(cfg.Lesson), nil, "")
	l.NewHire = cfg.Awards.NewHire
	l.Titles = titles
	l.Practice = &handlers.Drills{Lessons: l, Words: words}
	return l
}

// lessonFeature is /lesson and its jobs; its background ticker advances the
// lessons' timelines.
func lessonFeature(l *handlers.Lessons, log *slog.Logger) Feature {
	return Feature{
		Name:      "lesson",
		Commands:  l.Commands(),
		Jobs:      l.Jobs(),
		Seeders:   []demo.Seeder{l.Seeder()},
		Fallbacks: []bot.Fallback{l.Fallback()},
		Background: func(ctx context.Context) {
			t := time.NewTicker(lessonTick)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if err := l.Tick(ctx); err != nil && ctx.Err() == nil {
						log.Warn("lesson tick failed", "error", err)
					}
				}
			}
		},
	}
}

// LessonStats provides the workbook's 微课堂 sheet (for ReportBuilder).
func (a *App) LessonStats() reports.LessonStats {
	return handlers.LessonStats{Repo: a.lessons.Repo, Directory: a.Directory}
}

// LessonOptions turns the config's lesson section into the lesson options.
func LessonOptions(c config.Lesson) lesson.Options {
	o := lesson.Options{
		KnowledgeFor:  time.Duration(c.KnowledgeMinutes) * time.Minute,
		CaseFor:       time.Duration(c.CaseMinutes) * time.Minute,
		QuizFor:       time.Duration(c.QuizMinutes) * time.Minute,
		QuestionTime:  time.Duration(c.QuestionSeconds) * time.Second,
		Gap:           time.Duration(c.GapSeconds) * time.Second,
		Questions:     c.Questions,
		Review:        c.ReviewQuestions,
		RepeatWindow:  c.RepeatDays,
		Scoring:       lesson.Scoring{Points: c.Scoring.Points, MinShare: c.Scoring.SpeedFloor},
		ContestCount:  c.Contest.Questions,
		ContestTime:   time.Duration(c.Contest.QuestionSeconds) * time.Second,
		CampPassShare: float64(c.Camp.PassPercent) / 100,
		CampExamSize:  c.Camp.ExamQuestions,
		CampExtend:    c.Camp.ExtendDays,
	}
	if c.Scoring.Streak {
		o.Scoring.Streak, o.Scoring.StreakCap = c.Scoring.StreakBonus, c.Scoring.StreakCap
	}
	return o.Norm()
}
