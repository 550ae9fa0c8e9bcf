package awardsbot

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/reports"
)

// AwardStats gives the monthly workbook its 荣誉勋章 sheet.
type AwardStats struct{ Svc *awards.Service }

var _ reports.AwardStats = AwardStats{}

// AwardSheet lists a team's standing titles, badges and awards of a period.
func (a AwardStats) AwardSheet(ctx context.Context, team string, from, to time.Time) ([]reports.AwardRow, error) {
	rows, err := a.Svc.Rows(ctx, team, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]reports.AwardRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, reports.AwardRow{Member: r.Member, Award: r.Award, Date: r.Date, Reason: r.Reason, Points: r.Points, FromKPI: r.FromKPI})
	}
	return out, nil
}
