package awards

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/period"
)

// ErrHeld means the member already holds the badge.
var ErrHeld = errors.New("awards: badge held")

// Give records a hand-given award (委屈奖, 伯乐奖) or the gold badge. idem
// makes a repeated command a no-op (the chat message id, say; for 伯乐奖 the
// hire, since one hire earns one referral award; gold keys itself so it is
// held once at a time). It returns the entry and whether it is new; for
// gold, ErrHeld (with the held entry) when the member holds gold already.
func (s *Service) Give(ctx context.Context, e Entry, idem string) (*Entry, bool, error) {
	switch e.Award {
	case Gold:
		e.Kind = KindBadge
		e.Points = s.Cfg.Points.Gold
		st, err := Load(ctx, s.St)
		if err != nil {
			return nil, false, err
		}
		if held := st.Badge(e.Member, Gold); held != nil {
			return held, false, ErrHeld
		}
		// One gold at a time: the key counts the member's golds so far, so
		// two managers giving it at once grant it once.
		n := 0
		for _, g := range st.Entries {
			if g.Kind == KindBadge && g.Award == Gold && g.Member == e.Member {
				n++
			}
		}
		idem = fmt.Sprintf("badge/%s/%s/%d", Gold, e.Member, n+1)
	case Grievance:
		e.Kind = KindAward
		e.Points = s.Cfg.Points.Grievance
	case Referral:
		e.Kind = KindAward
		e.Points = s.Cfg.Points.Referral
	default:
		return nil, false, fmt.Errorf("awards: unknown award %q", e.Award)
	}
	return appendEntry(ctx, s.St, idem, &e)
}

// QuarterKey names the quarter of t: "2026-Q4".
func QuarterKey(t time.Time) string { return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1) }

// ContestTitle is a title won in the quarterly skills contest
// (季度服务技能大练兵): 服务速度王 or 问题终结者.
type ContestTitle struct {
	Team    string
	Member  string
	Title   string
	Contest string // the contest's session id: a title is granted once per contest
	Figures string // what won it, in words
	At      time.Time
}

// GrantContestTitle records a contest title in the recognition ledger, once
// per contest and title (a second run of the contest's end, or a restart,
// adds nothing). Its period is the contest's quarter, so it never counts as
// the monthly ceremony's title of the same name. It carries no points: the
// contest's answers earn those.
func (s *Service) GrantContestTitle(ctx context.Context, t ContestTitle) (*Entry, bool, error) {
	if t.Member == "" || t.Title == "" || t.Contest == "" {
		return nil, false, fmt.Errorf("awards: contest title needs a member, a title and a contest")
	}
	q := QuarterKey(t.At)
	e := &Entry{Kind: KindTitle, Award: t.Title, Member: t.Member, Team: t.Team, Period: q,
		Reason: MonthLabel(q) + "服务技能大练兵", Figures: t.Figures, At: t.At}
	return appendEntry(ctx, s.St, fmt.Sprintf("contest/%s/%s", t.Contest, t.Title), e)
}

// ReferralDue is when 伯乐奖 reminds: the hire date (or, without one, the
// award date) plus the configured months.
func (s *Service) ReferralDue(hireDate string, at time.Time) string {
	base := period.Day(at)
	if d, err := time.ParseInLocation(period.Layout, hireDate, at.Location()); err == nil {
		base = d
	}
	return base.AddDate(0, max(s.Cfg.ReferralReminderMonths, 1), 0).Format(period.Layout)
}

// Revocation errors.
var (
	ErrNoEntry        = errors.New("awards: no such entry")
	ErrNotRevocable   = errors.New("awards: entry cannot be revoked")
	ErrAlreadyRevoked = errors.New("awards: already revoked")
)

// Revoke appends a revocation of entry seq with a reason and takes back its
// points (a negative points entry). The revoked entry stays in the ledger.
// It returns the revoked entry and the revocation; ErrAlreadyRevoked comes
// with the earlier revocation.
func (s *Service) Revoke(ctx context.Context, seq int64, by, reason string, now time.Time) (*Entry, *Entry, error) {
	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, nil, err
	}
	e := st.Get(seq)
	if e == nil {
		return nil, nil, ErrNoEntry
	}
	if e.Kind == KindRevoke {
		return e, nil, ErrNotRevocable
	}
	if r := st.Revocation(seq); r != nil {
		return e, r, ErrAlreadyRevoked
	}
	rv := &Entry{Kind: KindRevoke, Award: e.Award, Member: e.Member, Team: e.Team, Period: e.Period, Reason: reason, By: by, Ref: seq, At: now}
	rv, created, err := appendEntry(ctx, s.St, fmt.Sprintf("revoke/%d", seq), rv)
	if err != nil {
		return nil, nil, err
	}
	if !created {
		return e, rv, ErrAlreadyRevoked
	}
	if e.Points != 0 {
		back := *e // dated like the grant: the points leave the month they were for
		if err := addPoints(ctx, s.St, &back, -e.Points, "撤销"+e.Label()+"："+reason, fmt.Sprintf("recognition/%d/revoke", seq)); err != nil {
			return nil, nil, err
		}
	}
	return e, rv, nil
}

// Mentor records that mentor mentors mentee; false when it was recorded
// before.
func (s *Service) Mentor(ctx context.Context, team, mentor, mentee, by string, now time.Time) (*Entry, bool, error) {
	e := &Entry{Kind: KindMentor, Member: mentor, Subject: mentee, Team: team, By: by, Reason: "师徒结对", At: now}
	return appendEntry(ctx, s.St, fmt.Sprintf("mentor/%s/%s", mentor, mentee), e)
}

// DueReferrals lists a team's standing 伯乐奖 whose reminder is due on or
// before today (YYYY-MM-DD), leaving out those whose promotion bonus is
// recorded already (ReferralFollowUp).
func (s *Service) DueReferrals(ctx context.Context, team, today string) ([]*Entry, error) {
	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range st.Entries {
		if e.Kind == KindAward && e.Award == Referral && e.Team == team && e.Due != "" && e.Due <= today && st.Active(e) && !st.followedUp(e.Subject) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Progress reads a member's badges and the way to the next. Bronze counts
// complete months up to the month before now.
func (s *Service) Progress(ctx context.Context, team string, m Member, roster []Member, now time.Time) (*Progress, error) {
	bronzeN := max(s.Cfg.BronzeMonths, 1)
	last := period.Month(period.Month(now).From.AddDate(0, 0, -1))
	months, err := LoadMonths(ctx, s.KPI, team, last.From, bronzeN)
	if err != nil {
		return nil, err
	}
	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, err
	}
	p := &Progress{Member: m.ID, BronzeMonths: bronzeN, Streak: months.Streak(m, s.TeamTargets(team)), StreakEnd: MonthKey(last.From),
		Bronze: st.Badge(m.ID, Bronze), Silver: st.Badge(m.ID, Silver), Gold: st.Badge(m.ID, Gold), SilverNeed: max(s.Cfg.SilverMentees, 1)}
	p.StarMentees, p.Mentees = st.SilverCount(m.ID, roster)
	this := period.Month(now)
	for _, e := range st.Entries {
		if e.Kind == KindThanks && e.Member == m.ID && st.Active(e) && this.Contains(e.At.In(now.Location())) {
			p.Thanks++
		}
	}
	for _, e := range st.Of(m.ID) {
		switch e.Kind {
		case KindTitle:
			p.Titles = append(p.Titles, e)
		case KindAward:
			p.Awards = append(p.Awards, e)
		}
	}
	return p, nil
}
