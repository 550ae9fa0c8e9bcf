package knowledge

import (
	"context"
	"time"
)

// Activity is one member's contributions to a team's knowledge base over a
// period: entries they submitted, and reviews of their entries.
type Activity struct {
	Member    string
	Name      string
	Submitted int // entries submitted in the period
	Approved  int // their entries approved in the period
	Rejected  int // their entries rejected in the period
}

// Activity counts, per submitter, the team's submissions, approvals and
// rejections that happened in [from, to] (both ends included), read from
// each entry's history. Members are in order of their first submission.
func (s *Service) Activity(ctx context.Context, team string, from, to time.Time) ([]Activity, error) {
	all, err := s.Entries(ctx, team)
	if err != nil {
		return nil, err
	}
	in := func(t time.Time) bool { return !t.Before(from) && !t.After(to) }
	var out []Activity
	pos := map[string]int{}
	add := func(e *Entry) *Activity {
		i, ok := pos[e.Submitter]
		if !ok {
			i = len(out)
			pos[e.Submitter] = i
			out = append(out, Activity{Member: e.Submitter, Name: e.SubmitterName})
		}
		return &out[i]
	}
	for _, e := range all {
		if e.Submitter == "" {
			continue
		}
		for _, c := range e.History {
			if !in(c.At) {
				continue
			}
			switch c.Action {
			case "submit":
				add(e).Submitted++
			case "approve":
				add(e).Approved++
			case "reject":
				add(e).Rejected++
			}
		}
	}
	return out, nil
}
