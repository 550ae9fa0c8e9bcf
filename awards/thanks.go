package awards

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/period"
)

// ErrThanksLimit means the giver has used the day's thanks.
var ErrThanksLimit = errors.New("awards: thanks limit reached")

// Thank records one peer thanks (e: Member receives, By gives, Team,
// Reason, At in the team's time zone; Order for a 委屈奖 nomination). A
// person gives at most Cfg.ThanksPerDay a day (3 by default). event
// identifies the chat message (bot.Request.EventKey): the same message
// handled twice records one thanks and returns it with created false.
//
// Each thanks takes one of the giver's numbered slots of the day, each slot
// appended once under its own key, so two thanks sent at the same moment
// cannot both take the last one.
func (s *Service) Thank(ctx context.Context, e Entry, event string) (*Entry, bool, error) {
	if e.Member == "" || e.By == "" || e.Member == e.By {
		return nil, false, fmt.Errorf("awards: thanks needs a giver and another receiver")
	}
	e.Kind, e.Award, e.Points, e.Event = KindThanks, "感谢", 0, event
	day := period.Day(e.At).Format(period.Layout)
	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, false, err
	}
	used := 0
	for _, x := range st.Entries {
		if x.Kind != KindThanks || x.By != e.By {
			continue
		}
		if event != "" && x.Event == event {
			return x, false, nil // this message was handled before
		}
		if period.Day(x.At.In(e.At.Location())).Format(period.Layout) == day {
			used++
		}
	}
	limit := max(s.Cfg.ThanksPerDay, 1)
	for n := used + 1; n <= limit; n++ {
		got, created, err := appendEntry(ctx, s.St, fmt.Sprintf("thanks/%s/%s/%d", e.By, day, n), &e)
		if err != nil {
			return nil, false, err
		}
		if created {
			return got, true, nil
		}
		if event != "" && got.Event == event {
			return got, false, nil // a concurrent copy of this message took the slot
		}
	}
	return nil, false, ErrThanksLimit
}

// ThanksLeft is how many thanks giver may still give on at's day.
func (s *Service) ThanksLeft(ctx context.Context, giver string, at time.Time) (int, error) {
	st, err := Load(ctx, s.St)
	if err != nil {
		return 0, err
	}
	day := period.Day(at).Format(period.Layout)
	used := 0
	for _, x := range st.Entries {
		if x.Kind == KindThanks && x.By == giver && period.Day(x.At.In(at.Location())).Format(period.Layout) == day {
			used++
		}
	}
	return max(max(s.Cfg.ThanksPerDay, 1)-used, 0), nil
}
