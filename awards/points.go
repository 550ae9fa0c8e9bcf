package awards

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/points"
)

// Points sources in the shared ledger.
const (
	SourceAward     = "award"
	SourceQuiz      = "quiz"
	SourceContest   = "contest"
	SourceKnowledge = "knowledge"
)

// sumPoints calls fn for every day's sum of points of a member of team (all
// teams when team is empty) in [from, to), by source and reason. It reads the
// ledger's running totals (points.Sums), not the whole ledger.
func (s *Service) sumPoints(ctx context.Context, team string, from, to time.Time, fn func(r *points.Row)) error {
	return points.Sums(ctx, s.St, from, to, func(r *points.Row) {
		if r.Member == "" || (team != "" && r.Team != team) {
			return // not ours to judge: other writers' malformed lines are skipped
		}
		fn(r)
	})
}

// KnowledgeCounts counts approved knowledge per member of a team in
// [from, to): entries of the points ledger with source "knowledge" whose
// reason is one of the configured knowledge_reasons (every knowledge entry
// when the list is empty). This assumes the knowledge feature appends one
// such entry per approval (it writes reason "knowledge_approved").
func (s *Service) KnowledgeCounts(ctx context.Context, team string, from, to time.Time) (map[string]int, error) {
	reasons := map[string]bool{}
	for _, r := range s.Cfg.KnowledgeReasons {
		reasons[r] = true
	}
	out := map[string]int{}
	err := s.sumPoints(ctx, team, from, to, func(r *points.Row) {
		if r.Source == SourceKnowledge && (len(reasons) == 0 || reasons[r.Reason]) {
			out[r.Member] += r.Count
		}
	})
	return out, err
}

// Board kinds.
const (
	BoardKPI       = "kpi"
	BoardQuiz      = "quiz"
	BoardKnowledge = "knowledge"
	BoardPoints    = "points"
)

// Place is one line of a leaderboard. Equal values share a rank (1, 1, 3).
type Place struct {
	Rank   int
	Member string
	Value  float64
}

// Board is a ranked leaderboard.
type Board struct {
	Kind   string
	Places []Place
}

// Rank orders values (higher first, ties by member id) with shared ranks.
func Rank(values map[string]float64) []Place {
	out := make([]Place, 0, len(values))
	for id, v := range values {
		out = append(out, Place{Member: id, Value: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Value != out[j].Value {
			return out[i].Value > out[j].Value
		}
		return out[i].Member < out[j].Member
	})
	for i := range out {
		if i > 0 && math.Abs(out[i].Value-out[i-1].Value) < 1e-9 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// Leaderboard ranks a team (all teams when team is empty) over r:
//   - kpi: the composite score (kpi.Scores) over the period, for agents who
//     served at least leaderboard_min_served_per_day for each day the team
//     has data (one team at a time: scores are relative within a team);
//   - quiz: points from quizzes and contests; knowledge: knowledge points;
//   - points: all points.
//
// eligible filters members (the roster), nil for all.
func (s *Service) Leaderboard(ctx context.Context, kind, team string, r period.Range, eligible func(string) bool) (*Board, error) {
	vals := map[string]float64{}
	if kind == BoardKPI {
		rep, err := s.KPI.Range(ctx, team, r.FromDate(), r.ToDate())
		if err != nil {
			return nil, err
		}
		days := 0
		for _, t := range rep.Agents {
			days = max(days, t.Records)
		}
		minServed := float64(s.Cfg.LeaderboardMinServedPerDay * max(days, 1))
		sub := &kpi.Report{Team: rep.Team, From: rep.From, To: rep.To, Agents: map[string]*kpi.Totals{}}
		for id, t := range rep.Agents {
			if eligible == nil || eligible(id) {
				sub.Agents[id] = t
			}
		}
		for _, sc := range kpi.Scores(sub, s.Weights, minServed) {
			vals[sc.Agent] = math.Round(sc.Score*10) / 10
		}
		return &Board{Kind: kind, Places: Rank(vals)}, nil
	}
	sources := map[string]bool{}
	switch kind {
	case BoardQuiz:
		sources[SourceQuiz], sources[SourceContest] = true, true
	case BoardKnowledge:
		sources[SourceKnowledge] = true
	}
	err := s.sumPoints(ctx, team, r.From, r.To.AddDate(0, 0, 1), func(p *points.Row) {
		if (len(sources) == 0 || sources[p.Source]) && (eligible == nil || eligible(p.Member)) {
			vals[p.Member] += float64(p.Points)
		}
	})
	if err != nil {
		return nil, err
	}
	for id, v := range vals {
		if v == 0 {
			delete(vals, id) // earned and taken back: not on the board
		}
	}
	return &Board{Kind: kind, Places: Rank(vals)}, nil
}
