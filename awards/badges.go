package awards

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
)

// MonthKey is "2026-10" for any time in October 2026.
func MonthKey(t time.Time) string { return t.Format("2006-01") }

// Months are KPI aggregates of consecutive months, newest first, as the
// bronze rule reads them.
type Months []*kpi.Report

// LoadMonths aggregates n months of a team ending with the month of end,
// newest first.
func LoadMonths(ctx context.Context, repo *kpi.Repo, team string, end time.Time, n int) (Months, error) {
	out := make(Months, 0, n)
	first := period.Month(end).From
	for i := 0; i < n; i++ {
		m := period.Month(first.AddDate(0, -i, 0))
		rep, err := repo.Range(ctx, team, m.FromDate(), m.ToDate())
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// levelOf picks the KPI target level of a member.
func levelOf(m Member) string {
	if m.Level == kpi.LevelSenior {
		return kpi.LevelSenior
	}
	return kpi.LevelAgent
}

// MeetsMonth reports whether an agent met KPI over a month's aggregate: every
// configured target with data holds (kpi.Meets). No data is not met.
func MeetsMonth(t *kpi.Totals, targets config.Targets, level string) bool {
	if t == nil {
		return false
	}
	return kpi.Meets(kpi.Evaluate(t, kpi.RulesFor(targets, level)))
}

// Streak counts the consecutive months, newest first, in which the member
// met KPI: it stops at the first month missed or without data.
func (ms Months) Streak(m Member, targets config.Targets) int {
	n := 0
	for _, rep := range ms {
		if rep == nil || !MeetsMonth(rep.Agents[m.ID], targets, levelOf(m)) {
			break
		}
		n++
	}
	return n
}

// SilverCount counts mentor's mentees holding a 服务之星 badge.
func (s *State) SilverCount(mentor string, roster []Member) (held []string, all []string) {
	all = s.Mentees(mentor, roster)
	for _, id := range all {
		if s.HoldsStar(id) {
			held = append(held, id)
		}
	}
	return held, all
}

// Progress is one member's badges and their way to the next.
type Progress struct {
	Member       string
	BronzeMonths int    // months needed
	Streak       int    // consecutive months met up to the last complete month
	StreakEnd    string // "2026-10": the last complete month counted
	Bronze       *Entry // held, nil when not
	SilverNeed   int
	Mentees      []string // all mentees
	StarMentees  []string // mentees holding a badge
	Silver       *Entry
	Gold         *Entry
	Titles       []*Entry // active titles, oldest first
	Awards       []*Entry // active special awards, oldest first
	Thanks       int      // peer thanks received this month (/thanks)
}
