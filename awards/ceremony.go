package awards

import (
	"context"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
)

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
