package lesson

import (
	"context"
	"sort"
	"time"
)

// MemberStats is one member's daily-lesson record over a period.
type MemberStats struct {
	Member   string
	Attended int            // lessons with at least one answer
	Answered int            // quiz answers given
	Correct  int            // right answers
	Wrong    map[string]int // topic -> wrong answers
}

// WeakTopics lists the topics the member answered wrong, most misses first
// (ties by topic), at most n.
func (m *MemberStats) WeakTopics(n int) []string {
	out := make([]string, 0, len(m.Wrong))
	for t := range m.Wrong {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if m.Wrong[out[i]] != m.Wrong[out[j]] {
			return m.Wrong[out[i]] > m.Wrong[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// PeriodStats is a team's daily lessons over a period.
type PeriodStats struct {
	Lessons int                     // lessons held (finished, not stopped)
	Members map[string]*MemberStats // member -> record, only those who answered
}

// Stats counts a team's daily lessons that started in [from, to] (contests
// and stopped lessons are left out) and each member's answers to them. A
// wrong answer counts against the topic of the question's lesson in bank
// (review questions come from other lessons), else the session's topic.
// Sessions whose answers are gone (the demo's) count from their summary.
func (r *Repo) Stats(ctx context.Context, team string, from, to time.Time, bank *Bank) (PeriodStats, error) {
	ps := PeriodStats{Members: map[string]*MemberStats{}}
	hist, err := r.History(ctx, team, from)
	if err != nil {
		return ps, err
	}
	member := func(id string) *MemberStats {
		m := ps.Members[id]
		if m == nil {
			m = &MemberStats{Member: id, Wrong: map[string]int{}}
			ps.Members[id] = m
		}
		return m
	}
	for _, h := range hist {
		if h.Kind != KindLesson || h.Stopped || h.Start.Before(from) || h.Start.After(to) {
			continue
		}
		ps.Lessons++
		answers, err := r.Answers(ctx, h.SessionID)
		if err != nil {
			return ps, err
		}
		attended := map[string]bool{}
		for _, a := range answers {
			if a.Q < 0 || a.Q >= h.Asked {
				continue
			}
			m := member(a.Member)
			attended[a.Member] = true
			m.Answered++
			if a.Correct {
				m.Correct++
				continue
			}
			topic := h.Topic
			if a.Q < len(h.QIDs) && bank != nil {
				if _, l := bank.Question(h.QIDs[a.Q]); l != nil {
					topic = l.Topic
				}
			}
			m.Wrong[topic]++
		}
		if len(answers) == 0 {
			summaryStats(h, member, attended)
		}
		for id := range attended {
			ps.Members[id].Attended++
		}
	}
	return ps, nil
}

// summaryStats counts a session from its summary alone: everyone with a
// score took part and, unless the summary says otherwise, answered every
// question asked.
func summaryStats(h Summary, member func(string) *MemberStats, attended map[string]bool) {
	ids := map[string]bool{}
	for _, set := range []map[string]int{h.Scores, h.Correct, h.Answered} {
		for id := range set {
			ids[id] = true
		}
	}
	for id := range ids {
		answered, ok := h.Answered[id]
		if !ok {
			answered = h.Asked
		}
		if answered <= 0 {
			continue
		}
		m := member(id)
		attended[id] = true
		right := min(h.Correct[id], answered)
		m.Answered += answered
		m.Correct += right
		if wrong := answered - right; wrong > 0 {
			m.Wrong[h.Topic] += wrong
		}
	}
}
