package app

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/reports"
)

// lessonTick is how often the lesson timelines are checked for due steps.
const lessonTick = time.Second

// Lessons is the app's micro-lesson runner, one per App: its mutex keeps this
// process's ticker and commands from advancing a lesson at once.
func (a *App) Lessons() *handlers.Lessons {
	return a.feature("lesson", func() any {
		l := handlers.NewLessons(a.Bot, lesson.NewRepo(a.Store), LessonOptions(a.Cfg.Lesson), nil, "")
		l.NewHire = a.Cfg.Awards.NewHire
		l.Titles = a.grantContestTitle
		l.Practice = &handlers.Drills{Lessons: l, Words: a.knowledge().Words}
		return l
	}).(*handlers.Lessons)
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

// LessonStats provides the workbook's 微课堂 sheet (for ReportBuilder).
func (a *App) LessonStats() reports.LessonStats {
	return handlers.LessonStats{Repo: a.Lessons().Repo, Directory: a.Directory}
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
