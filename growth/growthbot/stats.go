package growthbot

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// TalkStats gives the monthly workbook its 面谈 sheet.
type TalkStats struct{ St store.Store }

var _ reports.TalkStats = TalkStats{}

// TalkSheet lists a team's talks in [from, to].
func (s TalkStats) TalkSheet(ctx context.Context, team string, from, to time.Time) ([]reports.TalkRow, error) {
	talks, err := growth.Talks(ctx, s.St, team, from, to.Add(time.Nanosecond))
	if err != nil {
		return nil, err
	}
	out := make([]reports.TalkRow, 0, len(talks))
	for _, t := range talks {
		out = append(out, reports.TalkRow{Member: t.Member, By: t.By, Date: t.At.In(from.Location()), Note: t.Note})
	}
	return out, nil
}
