package lessonbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/lesson"
)

// Jobs are the daily lesson (14:00 on workdays) and the camp's daily push.
func (l *Lessons) Jobs() []*jobs.Job {
	return []*jobs.Job{
		{
			Name: "lesson-daily", Description: "每日15分钟微课堂（按团队薄弱点选题）",
			DefaultSpec: "0 14 * * 1-5", PerTeam: true,
			Fn: func(ctx context.Context, run jobs.Run) error {
				t := l.Bot.Directory.Team(run.TeamID)
				if t == nil {
					return fmt.Errorf("no team %s", run.TeamID)
				}
				_, err := l.Start(ctx, t, TeamDest(t), lesson.KindLesson, "", "")
				if errors.Is(err, ErrLessonRunning) {
					l.log.Info("daily lesson skipped, one is running", "team_id", t.ID)
					return nil
				}
				return err
			},
		},
		{
			Name: "lesson-camp", Description: "新人7天特训营每日内容推送",
			DefaultSpec: "0 9 * * *", PerTeam: true,
			Fn: func(ctx context.Context, run jobs.Run) error { return l.CampTick(ctx, run.TeamID) },
		},
	}
}

// Seeder gives --demo a few days of past lessons, points and wrong answers.
func (l *Lessons) Seeder() demo.Seeder {
	return demo.Seeder{Name: "lessons", Seed: func(ctx context.Context, b *bot.Bot) error {
		bank, err := l.Repo.Bank(ctx)
		if err != nil {
			return err
		}
		past := map[string][]string{"presale": {"L04", "L16", "L17"}, "aftersale": {"L06", "L03", "L07"}}
		now := l.now()
		for _, t := range b.Directory.Teams() {
			day := now
			for i, lid := range past[t.ID] {
				les := bank.Lesson(lid)
				if les == nil {
					continue
				}
				day = prevWorkday(day)
				start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, day.Location())
				sid := fmt.Sprintf("%s-demo%d", t.ID, i+1)
				sum := lesson.Summary{SessionID: sid, Kind: lesson.KindLesson, TeamID: t.ID, LessonID: lid, Topic: les.Topic,
					Start: start, Asked: 4, Scores: map[string]int{}, Correct: map[string]int{}}
				for j, m := range t.Members {
					if m.Role != bot.RoleAgent || (i+j)%5 == 4 {
						continue // supervisors, and someone absent each day
					}
					right := 2 + (i+j)%3
					sum.Correct[m.ID] = right
					sum.Scores[m.ID] = right*850 - (j%3)*40
					if err := l.Repo.AddPoints(ctx, "quiz:"+sid+":"+m.ID, lesson.PointsEntry{Member: m.ID, Team: t.ID,
						Points: sum.Scores[m.ID], Reason: "每日微课堂测验：" + les.Topic, Source: "quiz", Ref: sid, At: start.Add(15 * time.Minute)}); err != nil {
						return err
					}
					if right < 4 {
						q := &les.Questions[(i+j)%len(les.Questions)]
						if err := l.Repo.Miss(ctx, m.ID, q, les, "", start.Add(12*time.Minute)); err != nil {
							return err
						}
					}
				}
				if err := l.Repo.AddHistory(ctx, sum); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}

func prevWorkday(t time.Time) time.Time {
	t = t.AddDate(0, 0, -1)
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, -1)
	}
	return t
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
