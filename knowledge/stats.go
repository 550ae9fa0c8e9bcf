package knowledge

import (
	"context"
	"sort"
	"time"
)

// DueBy lists the team's approved entries due for re-verification by t,
// soonest first.
func (s *Service) DueBy(ctx context.Context, team string, t time.Time) ([]*Entry, error) {
	all, err := s.Entries(ctx, team, Approved)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range all {
		if e.Due(t) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].VerifyDue.Before(out[j].VerifyDue) })
	return out, nil
}

// Stats counts a team's entries by state and those due for re-verification now.
type Stats struct {
	ByState map[State]int
	Due     int
}

// Stats summarises a team's knowledge base.
func (s *Service) Stats(ctx context.Context, team string) (Stats, error) {
	st := Stats{ByState: map[State]int{}}
	all, err := s.Entries(ctx, team)
	if err != nil {
		return st, err
	}
	now := s.now()
	for _, e := range all {
		st.ByState[e.State]++
		if e.Due(now) {
			st.Due++
		}
	}
	return st, nil
}

// Contributions counts, per submitter, the team's entries approved in [from,
// to) that are still approved or were retired later (知识贡献王).
func (s *Service) Contributions(ctx context.Context, team string, from, to time.Time) (map[string]int, error) {
	all, err := s.Entries(ctx, team, Approved, Retired)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, e := range all {
		if !e.Approved.Before(from) && e.Approved.Before(to) {
			out[e.Submitter]++
		}
	}
	return out, nil
}
