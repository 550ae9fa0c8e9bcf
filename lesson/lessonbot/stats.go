package lessonbot

import (
	"context"
	"sort"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/reports"
)

// lessonWeakTopics is how many weak topics the 微课堂 sheet lists per agent.
const lessonWeakTopics = 3

// LessonStats gives the monthly workbook its 微课堂 sheet from the stored
// lesson history and answers.
type LessonStats struct {
	Repo      *lesson.Repo
	Directory *bot.Directory
}

var _ reports.LessonStats = LessonStats{}

// LessonSheet lists, for a team's daily lessons in [from, to], every agent of
// the team (absent ones too, so attendance counts them) and anyone else who
// answered. A period without lessons has no rows.
func (s LessonStats) LessonSheet(ctx context.Context, team string, from, to time.Time) ([]reports.LessonRow, error) {
	bank, err := s.Repo.Bank(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := s.Repo.Stats(ctx, team, from, to, bank)
	if err != nil || ps.Lessons == 0 {
		return nil, err
	}
	row := func(id string) reports.LessonRow {
		r := reports.LessonRow{Member: id, Lessons: ps.Lessons}
		if m := ps.Members[id]; m != nil {
			r.Attended, r.Answered, r.Correct = m.Attended, m.Answered, m.Correct
			r.Weak = m.WeakTopics(lessonWeakTopics)
		}
		return r
	}
	var out []reports.LessonRow
	listed := map[string]bool{}
	if t := s.Directory.Team(team); t != nil {
		for _, m := range t.Members {
			if s.Directory.RoleOf(m) == bot.RoleAgent {
				out = append(out, row(m.ID))
				listed[m.ID] = true
			}
		}
	}
	var others []string
	for id := range ps.Members {
		if !listed[id] {
			others = append(others, id)
		}
	}
	sort.Strings(others)
	for _, id := range others {
		out = append(out, row(id))
	}
	return out, nil
}
