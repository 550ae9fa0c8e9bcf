package kpi

import (
	"math"
	"sort"
)

// AgentScore is one agent's composite score for a period.
type AgentScore struct {
	Agent string
	Score float64 // 60..100: the team's best on every figure scores 100, its worst 60
}

// starFigures are the figures a composite score may weigh; lower is better
// for the inverted ones.
var starFigures = []struct {
	name     string
	get      func(*Totals) (float64, bool)
	inverted bool
}{
	{"satisfaction", (*Totals).Satisfaction, false},
	{"conversion", (*Totals).Conversion, false},
	{"first_response", (*Totals).FirstResp, true},
	{"served", (*Totals).ServedCount, false},
	{"bad_rate", (*Totals).BadRate, true},
}

// Scores ranks the agents of a report by a composite score: each figure is
// scaled across the agents (best 1, worst 0), weighted, and the weighted sum
// divided by the weights of the figures the agent has, on a 60–100 scale
// (a chat ranking should not hand anyone a zero). Agents who served
// fewer than minServed customers are left out, so a quiet half-day cannot
// win. Ties break by agent id.
func Scores(rep *Report, weights map[string]float64, minServed float64) []AgentScore {
	type span struct{ lo, hi float64 }
	spans := map[string]*span{}
	var eligible []string
	for _, id := range rep.AgentIDs() {
		t := rep.Agents[id]
		if served, ok := t.ServedCount(); !ok || served < minServed {
			continue
		}
		eligible = append(eligible, id)
		for _, f := range starFigures {
			if v, ok := f.get(t); ok && weights[f.name] > 0 {
				s := spans[f.name]
				if s == nil {
					spans[f.name] = &span{v, v}
					continue
				}
				s.lo, s.hi = math.Min(s.lo, v), math.Max(s.hi, v)
			}
		}
	}
	out := make([]AgentScore, 0, len(eligible))
	for _, id := range eligible {
		t := rep.Agents[id]
		var sum, wsum float64
		for _, f := range starFigures {
			w := weights[f.name]
			v, ok := f.get(t)
			if w <= 0 || !ok {
				continue
			}
			s := spans[f.name]
			x := 1.0 // everyone equal: full marks
			if s.hi > s.lo {
				x = (v - s.lo) / (s.hi - s.lo)
			}
			if f.inverted {
				x = 1 - x
				if s.hi == s.lo {
					x = 1
				}
			}
			sum += w * x
			wsum += w
		}
		if wsum == 0 {
			continue
		}
		out = append(out, AgentScore{Agent: id, Score: 60 + 40*sum/wsum})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Agent < out[j].Agent
	})
	return out
}
