package awards

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/store"
)

// Service grants, revokes and reads recognition. It keeps nothing in memory
// between calls: the ledger is the truth, so replicas share it.
type Service struct {
	St      store.Store
	KPI     *kpi.Repo
	Cfg     config.Awards
	Targets config.Targets
	Weights map[string]float64 // composite score weights (kpi.star_weights)
	// Teams are the teams' own metric sets, targets and titles by team id;
	// a team missing here is judged on everything by the global settings.
	Teams map[string]config.Team
}

// TeamMap indexes the teams' configuration by id for Service.Teams.
func TeamMap(teams []config.Team) map[string]config.Team {
	out := make(map[string]config.Team, len(teams))
	for _, t := range teams {
		out[t.ID] = t
	}
	return out
}

// TeamTargets are a team's targets (see kpi.TeamTargets).
func (s *Service) TeamTargets(team string) config.Targets {
	return kpi.TeamTargets(s.Targets, s.Teams[team])
}

// TeamTitles are a team's monthly titles (see config.Awards.TitlesFor).
func (s *Service) TeamTitles(team string) []config.AwardTitle {
	return s.Cfg.TitlesFor(s.Teams[team])
}

// TeamWeights are a team's composite score weights.
func (s *Service) TeamWeights(team string) map[string]float64 {
	return kpi.TeamWeights(s.Weights, s.Teams[team])
}

// New returns a Service over st with the given configuration.
func New(st store.Store, cfg config.Awards, targets config.Targets, weights map[string]float64) *Service {
	return &Service{St: st, KPI: kpi.NewRepo(st), Cfg: cfg, Targets: targets, Weights: weights}
}

// CeremonyTitle is one title of a ceremony: its winners as granted.
type CeremonyTitle struct {
	Title      config.AwardTitle
	Winners    []*Entry
	Contenders int
	OffTarget  int // contenders below their own target of the title's metric
	Holders    int // contenders who hold enough titles this month
}

// NearBronze is an agent one month away from bronze.
type NearBronze struct {
	Member string
	Streak int
}

// Ceremony is what a team won in a month.
type Ceremony struct {
	Team       string
	Month      string // "2026-10"
	Label      string // "2026年10月"
	Titles     []CeremonyTitle
	Badges     []*Entry // badges granted for the month, in order
	NearBronze []NearBronze
	Created    int // entries this run added (0 when run before)
}

// RunCeremony decides and grants a team's titles and badges for the month
// containing month, once: a title already held for the month, or a badge
// already held, is not granted again, and every grant carries an
// idempotency key, so a second run or a second replica adds nothing. The
// returned Ceremony is read back from the ledger, the same on every run.
// roster lists the team's agents.
func (s *Service) RunCeremony(ctx context.Context, team string, roster []Member, month time.Time, now time.Time) (*Ceremony, error) {
	m := period.Month(month)
	key := MonthKey(m.From)
	c := &Ceremony{Team: team, Month: key, Label: m.Label}
	bronzeN := max(s.Cfg.BronzeMonths, 1)
	months, err := LoadMonths(ctx, s.KPI, team, m.From, bronzeN)
	if err != nil {
		return nil, err
	}
	know, err := s.KnowledgeCounts(ctx, team, m.From, m.To.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	inTeam := map[string]Member{}
	for _, r := range roster {
		inTeam[r.ID] = r
	}
	targets := s.TeamTargets(team)
	results := DecideTitles(TitleInput{
		Report: months[0], Knowledge: know, Weights: s.TeamWeights(team), MinDays: s.Cfg.MinDays,
		Eligible:     func(id string) bool { _, ok := inTeam[id]; return ok },
		Rules:        func(id string) map[string]float64 { return kpi.RulesFor(targets, levelOf(inTeam[id])) },
		MaxPerPerson: s.Cfg.MaxTitlesPerPerson,
	}, s.TeamTitles(team))

	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, err
	}
	grant := func(idem string, e *Entry) error {
		_, created, err := appendEntry(ctx, s.St, idem, e)
		if created {
			c.Created++
		}
		return err
	}
	for _, r := range results {
		if len(st.Title(team, key, r.Title.Name)) > 0 {
			continue // granted by an earlier run
		}
		for _, w := range r.Winners {
			e := &Entry{Kind: KindTitle, Award: r.Title.Name, Member: w.Member, Team: team, Period: key,
				Reason: m.Label + r.Title.Name, Figures: w.Figures, Metric: r.Title.Metric, Value: w.Value, Volume: w.Volume, Points: r.Title.Points, At: now}
			if err := grant(fmt.Sprintf("title/%s/%s/%s/%s", team, key, r.Title.Name, w.Member), e); err != nil {
				return nil, err
			}
		}
	}

	// Bronze: the streak up to this month, in roster order.
	ids := make([]string, 0, len(roster))
	for _, r := range roster {
		ids = append(ids, r.ID)
	}
	for _, id := range ids {
		mem := inTeam[id]
		streak := months.Streak(mem, targets)
		if st.Badge(id, Bronze) != nil {
			continue
		}
		switch {
		case streak >= bronzeN:
			first := period.Month(m.From.AddDate(0, -(bronzeN - 1), 0))
			e := &Entry{Kind: KindBadge, Award: Bronze, Member: id, Team: team, Period: key,
				Reason:  fmt.Sprintf("连续 %d 个月 KPI 达标", bronzeN),
				Figures: fmt.Sprintf("%s–%s每月各项 KPI 目标均达成", first.Label, spanEnd(first.From, m.From)),
				Value:   float64(streak), Points: s.Cfg.Points.Bronze, At: now}
			if err := grant(fmt.Sprintf("badge/%s/%s/%s", Bronze, id, key), e); err != nil {
				return nil, err
			}
		case bronzeN > 1 && streak == bronzeN-1:
			c.NearBronze = append(c.NearBronze, NearBronze{Member: id, Streak: streak})
		}
	}

	// Silver: mentors whose mentees (new bronzes included) hold a badge.
	if st, err = Load(ctx, s.St); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if st.Badge(id, Silver) != nil {
			continue
		}
		held, _ := st.SilverCount(id, roster)
		if len(held) < max(s.Cfg.SilverMentees, 1) {
			continue
		}
		e := &Entry{Kind: KindBadge, Award: Silver, Member: id, Team: team, Period: key,
			Reason:  fmt.Sprintf("带出 %d 名获得服务之星勋章的徒弟", len(held)),
			Figures: fmt.Sprintf("徒弟中 %d 人持有服务之星勋章", len(held)),
			Value:   float64(len(held)), Points: s.Cfg.Points.Silver, At: now}
		if err := grant(fmt.Sprintf("badge/%s/%s/%s", Silver, id, key), e); err != nil {
			return nil, err
		}
	}

	// Read back what the month holds.
	if st, err = Load(ctx, s.St); err != nil {
		return nil, err
	}
	for _, r := range results {
		c.Titles = append(c.Titles, CeremonyTitle{Title: r.Title, Winners: st.Title(team, key, r.Title.Name),
			Contenders: r.Contenders, OffTarget: r.OffTarget, Holders: r.Holders})
	}
	for _, e := range st.Entries {
		if e.Kind == KindBadge && e.Team == team && e.Period == key && st.Active(e) {
			c.Badges = append(c.Badges, e)
		}
	}
	return c, nil
}

// MarkSent records that a one-time message (the key names it) is being
// sent; false means it was sent before. Unmark after a failed send.
func (s *Service) MarkSent(ctx context.Context, key string, now time.Time) (bool, error) {
	return s.St.PutIfAbsent(ctx, sentColl, key, []byte(now.UTC().Format(time.RFC3339)))
}

// Unmark forgets a MarkSent so the message is tried again.
func (s *Service) Unmark(ctx context.Context, key string) error {
	return s.St.Delete(ctx, sentColl, key)
}

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

// Row is one grant of a period for the monthly workbook's 荣誉勋章 sheet.
type Row struct {
	Member string
	Award  string // 服务之星, 青铜勋章, 伯乐奖 …
	Date   time.Time
	Reason string
	Points int
	// FromKPI marks a grant decided by the KPI figures (a KPI title, a
	// bronze badge): 三维绩效 counts those under 服务指标 already, so they
	// do not count again in 团队贡献.
	FromKPI bool
}

// fromKPI reports whether a grant was decided by the KPI figures.
func (s *Service) fromKPI(e *Entry) bool {
	switch {
	case e.Kind == KindBadge:
		return e.Award == Bronze
	case e.Kind != KindTitle || strings.Contains(e.Period, "Q"):
		return false // hand-given, thanks, or a contest title (a quiz)
	}
	metric := e.Metric
	if metric == "" { // granted before titles recorded their metric
		for _, t := range append(s.TeamTitles(e.Team), s.Cfg.Titles...) {
			if t.Name == e.Award {
				metric = t.Metric
				break
			}
		}
	}
	return metric != "knowledge"
}

// Rows lists a team's standing grants in [from, to]: titles and ceremony
// badges by the month they are for, the rest by when they were given.
func (s *Service) Rows(ctx context.Context, team string, from, to time.Time) ([]Row, error) {
	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, e := range st.Entries {
		if e.Team != team || (e.Kind != KindTitle && e.Kind != KindBadge && e.Kind != KindAward && e.Kind != KindThanks) || !st.Active(e) {
			continue
		}
		in := !e.At.Before(from) && !e.At.After(to)
		if e.Period != "" {
			if pm, err := time.ParseInLocation("2006-01", e.Period, from.Location()); err == nil {
				r := period.Month(pm)
				in = !r.To.Before(period.Day(from)) && !r.From.After(to)
			}
		}
		if !in {
			continue
		}
		reason := e.Reason
		if e.Figures != "" {
			reason += "：" + e.Figures
		}
		out = append(out, Row{Member: e.Member, Award: e.Label(), Date: e.Dated(), Reason: reason, Points: e.Points, FromKPI: s.fromKPI(e)})
	}
	return out, nil
}

// spanEnd labels the end of a span of months: "10月" within a year,
// "2027年1月" across one.
func spanEnd(from, to time.Time) string {
	if from.Year() == to.Year() {
		return fmt.Sprintf("%d月", int(to.Month()))
	}
	return period.Month(to).Label
}
