package knowledge

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

const (
	asksColl = "knowledge.asks"
	askSeq   = "knowledge.ask:"
	dayFmt   = "2006-01-02"
	keepDays = 90 // per-day counts older than this are dropped
)

// Ask is a question someone could not answer, with how often it was asked.
type Ask struct {
	ID         int64          `json:"id"`
	Team       string         `json:"team"`
	Question   string         `json:"question"` // as first asked
	Count      int            `json:"count"`    // all times asked
	Askers     []string       `json:"askers"`   // member ids, each once
	Days       map[string]int `json:"days"`     // "2006-01-02" -> times asked that day
	First      time.Time      `json:"first"`
	Last       time.Time      `json:"last"`
	AnsweredBy int64          `json:"answered_by,omitempty"` // the entry that answers it
}

// AskCount is an open question with how often it was asked in a window.
type AskCount struct {
	Ask    *Ask
	Recent int
}

func askKey(team string, id int64) string { return fmt.Sprintf("%s/%010d", team, id) }

func (s *Service) asks(ctx context.Context, team string) ([]*Ask, error) {
	out, err := s.asked.List(ctx, team+"/")
	if err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	return out, nil
}

func (s *Service) putAsk(ctx context.Context, a *Ask) error {
	return s.asked.Put(ctx, askKey(a.Team, a.ID), a)
}

// Answer finds the published entry that answers question, if one does well:
// among the top search hits, the one whose question or a similar question is
// most like it, when that similarity reaches AnswerLinkMin (the bar at which
// approving an entry closes an open ask). nil when none does; an /ask it
// answers need not be recorded as unanswered.
func (s *Service) Answer(ctx context.Context, team, question string) (*Match, error) {
	if err := checkText("问题", question, s.set.MaxQuestion); err != nil {
		return nil, err
	}
	hits, err := s.Search(ctx, team, question, 3)
	if err != nil {
		return nil, err
	}
	var best *Match
	for _, h := range hits {
		score := questionSimilarity(question, h.Entry)
		if score >= s.set.AnswerLinkMin && score > 0 && (best == nil || score > best.Score) {
			best = &Match{Entry: h.Entry, Score: score}
		}
	}
	return best, nil
}

// questionSimilarity is how like q the entry's question or the most alike of
// its similar questions is; 1 for the same text.
func questionSimilarity(q string, e *Entry) float64 {
	norm := Normalize(q)
	best := 0.0
	for _, x := range append([]string{e.Question}, e.Similar...) {
		if Normalize(x) == norm {
			return 1
		}
		best = max(best, Similarity(q, x))
	}
	return best
}

// RecordAsk records a question nobody could answer. A question the same as or
// very like an open one counts as a repeat of it; the result tells how many
// times it has been asked.
func (s *Service) RecordAsk(ctx context.Context, team string, by Actor, question string) (*Ask, error) {
	question = strings.TrimSpace(question)
	if err := checkText("问题", question, s.set.MaxQuestion); err != nil {
		return nil, err
	}
	var rec *Ask
	err := s.locked(ctx, "knowledge:asks:"+team, func(ctx context.Context) error {
		var err error
		rec, err = s.recordAsk(ctx, team, by, question)
		return err
	})
	return rec, err
}

// recordAsk is RecordAsk under the team's asks lease.
func (s *Service) recordAsk(ctx context.Context, team string, by Actor, question string) (*Ask, error) {
	all, err := s.asks(ctx, team)
	if err != nil {
		return nil, err
	}
	norm, qf := Normalize(question), features(question)
	var best *Ask
	bestScore := 0.0
	for _, a := range all {
		if a.AnsweredBy != 0 {
			continue
		}
		score := dice(qf, features(a.Question))
		if Normalize(a.Question) == norm {
			score = 1
		}
		if score >= s.set.AskMergeMin && score > bestScore {
			best, bestScore = a, score
		}
	}
	now := s.now()
	if best == nil {
		id, err := s.st.NextID(ctx, askSeq+team)
		if err != nil {
			return nil, err
		}
		best = &Ask{ID: id, Team: team, Question: question, First: now, Days: map[string]int{}}
	}
	best.Count++
	best.Last = now
	if best.Days == nil {
		best.Days = map[string]int{}
	}
	best.Days[now.Format(dayFmt)]++
	cutoff := now.AddDate(0, 0, -keepDays).Format(dayFmt)
	for d := range best.Days {
		if d < cutoff {
			delete(best.Days, d)
		}
	}
	if by.ID != "" && !slices.Contains(best.Askers, by.ID) {
		best.Askers = append(best.Askers, by.ID)
	}
	return best, s.putAsk(ctx, best)
}

// Unanswered returns the open questions asked most in the days before now
// (the window and the number from Settings), most asked first.
func (s *Service) Unanswered(ctx context.Context, team string, now time.Time) ([]AskCount, error) {
	all, err := s.asks(ctx, team)
	if err != nil {
		return nil, err
	}
	from := now.AddDate(0, 0, -s.set.UnansweredDays+1).Format(dayFmt)
	to := now.Format(dayFmt)
	var out []AskCount
	for _, a := range all {
		if a.AnsweredBy != 0 {
			continue
		}
		n := 0
		for d, c := range a.Days {
			if d >= from && d <= to {
				n += c
			}
		}
		if n > 0 {
			out = append(out, AskCount{Ask: a, Recent: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Recent != b.Recent {
			return a.Recent > b.Recent
		}
		if a.Ask.Count != b.Ask.Count {
			return a.Ask.Count > b.Ask.Count
		}
		return a.Ask.ID < b.Ask.ID
	})
	if len(out) > s.set.TopUnanswered {
		out = out[:s.set.TopUnanswered]
	}
	return out, nil
}

// linkAsks marks open questions that an approved entry answers.
func (s *Service) linkAsks(ctx context.Context, e *Entry) error {
	return s.locked(ctx, "knowledge:asks:"+e.Team, func(ctx context.Context) error { return s.linkAsksLocked(ctx, e) })
}

func (s *Service) linkAsksLocked(ctx context.Context, e *Entry) error {
	all, err := s.asks(ctx, e.Team)
	if err != nil {
		return err
	}
	for _, a := range all {
		if a.AnsweredBy != 0 {
			continue
		}
		if questionSimilarity(a.Question, e) >= s.set.AnswerLinkMin {
			a.AnsweredBy = e.ID
			if err := s.putAsk(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}
