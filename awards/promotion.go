package awards

import (
	"context"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/period"
)

// ReferralPromotion is the award name of the 伯乐奖 follow-up: the bonus
// for a referred hire promoted within the reminder months.
const ReferralPromotion = "伯乐奖（晋升）"

// Referral follow-up outcomes.
var (
	ErrNoReferral = fmt.Errorf("awards: no standing 伯乐奖 for the hire")
	ErrTooLate    = fmt.Errorf("awards: promoted after the 伯乐奖 window")
)

// ReferralFollowUp records the 伯乐奖 promotion bonus when hire, referred
// with a standing 伯乐奖, is promoted (to the level named by to) at at,
// within Cfg.ReferralReminderMonths of the hire date (of the award without
// one). Once per hire: a second promotion adds nothing (created false). It
// returns the follow-up and the referral it follows; ErrNoReferral when the
// hire was not referred, ErrTooLate (with the referral) outside the window.
func (s *Service) ReferralFollowUp(ctx context.Context, team, hire, hireDate, to string, at time.Time) (*Entry, *Entry, bool, error) {
	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, nil, false, err
	}
	ref := st.referralOf(hire)
	if ref == nil {
		return nil, nil, false, ErrNoReferral
	}
	base := period.Day(ref.At.In(at.Location()))
	if d, err := time.ParseInLocation(period.Layout, hireDate, at.Location()); err == nil {
		base = d
	}
	months := max(s.Cfg.ReferralReminderMonths, 1)
	end := base.AddDate(0, months, 0)
	if !at.Before(end.AddDate(0, 0, 1)) {
		return nil, ref, false, ErrTooLate
	}
	e := &Entry{Kind: KindAward, Award: ReferralPromotion, Member: ref.Member, Team: team, Subject: hire, By: ref.By,
		Reason: fmt.Sprintf("推荐的新人入职 %d 个月内晋升为%s", months, to), Figures: fmt.Sprintf("晋升奖金 %d 元", s.Cfg.ReferralPromotionBonus),
		Ref: ref.Seq, At: at}
	got, created, err := appendEntry(ctx, s.St, "referral-promotion/"+hire, e)
	return got, ref, created, err
}

// referralOf is the standing 伯乐奖 for hire, nil when there is none.
func (s *State) referralOf(hire string) *Entry {
	for _, e := range s.Entries {
		if e.Kind == KindAward && e.Award == Referral && e.Subject == hire && s.Active(e) {
			return e
		}
	}
	return nil
}

// followedUp reports whether hire's promotion bonus is recorded.
func (s *State) followedUp(hire string) bool {
	for _, e := range s.Entries {
		if e.Kind == KindAward && e.Award == ReferralPromotion && e.Subject == hire && s.Active(e) {
			return true
		}
	}
	return false
}
