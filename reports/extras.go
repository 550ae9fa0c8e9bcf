package reports

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/points"
)

// extras is what the other features contribute, per team id.
type extras struct {
	lessons   map[string][]LessonRow // nil: no provider
	knowledge map[string][]KnowledgeRow
	awards    map[string][]AwardRow
	talks     map[string][]TalkRow
	points    map[string]map[string]int // team -> member -> points in the period; nil: none
	untimed   int                       // ledger entries without a time
	failed    map[string]string         // sheet -> why its data is missing
}

// extras asks each provider for each team. A provider that fails leaves its
// sheet with a note rather than failing the workbook.
func (b *Builder) extras(ctx context.Context, req *Request, data []*teamData) (*extras, error) {
	x := &extras{failed: map[string]string{}}
	to := req.To.AddDate(0, 0, 1).Add(-time.Nanosecond)
	fail := func(sheet, team string, err error) {
		b.log().Warn("report data missing", "sheet", sheet, "team_id", team, "error", err)
		x.failed[sheet] = "数据读取失败，请稍后重试"
	}
	for _, d := range data {
		id := d.team.ID
		if b.Lessons != nil {
			if x.lessons == nil {
				x.lessons = map[string][]LessonRow{}
			}
			rows, err := b.Lessons.LessonSheet(ctx, id, req.From, to)
			if err != nil {
				fail(SheetLessons, id, err)
			}
			x.lessons[id] = rows
		}
		if b.Knowledge != nil {
			if x.knowledge == nil {
				x.knowledge = map[string][]KnowledgeRow{}
			}
			rows, err := b.Knowledge.KnowledgeSheet(ctx, id, req.From, to)
			if err != nil {
				fail(SheetKnowledge, id, err)
			}
			x.knowledge[id] = rows
		}
		if b.Awards != nil {
			if x.awards == nil {
				x.awards = map[string][]AwardRow{}
			}
			rows, err := b.Awards.AwardSheet(ctx, id, req.From, to)
			if err != nil {
				fail(SheetAwards, id, err)
			}
			x.awards[id] = rows
		}
		if b.Talks != nil {
			if x.talks == nil {
				x.talks = map[string][]TalkRow{}
			}
			rows, err := b.Talks.TalkSheet(ctx, id, req.From, to)
			if err != nil {
				fail(SheetTalks, id, err)
			}
			x.talks[id] = rows
		}
	}
	if b.Points != nil {
		if err := b.readPoints(ctx, req, data, x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// readPoints sums the period's points per team and member.
func (b *Builder) readPoints(ctx context.Context, req *Request, data []*teamData, x *extras) error {
	teams := map[string]bool{}
	for _, d := range data {
		teams[d.team.ID] = true
	}
	loc := req.From.Location()
	end := req.To.AddDate(0, 0, 1)
	return points.Scan(ctx, b.Points, func(e *points.Entry) error {
		if !teams[e.Team] || e.Member == "" {
			return nil
		}
		at, ok := e.When(loc)
		if !ok {
			x.untimed++
			return nil
		}
		if at.Before(req.From) || !at.Before(end) {
			return nil
		}
		if x.points == nil {
			x.points = map[string]map[string]int{}
		}
		if x.points[e.Team] == nil {
			x.points[e.Team] = map[string]int{}
		}
		x.points[e.Team][e.Member] += e.Points
		return nil
	})
}
