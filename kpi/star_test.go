package kpi

import "testing"

func starDay(agent string, served, sat, ratings, firstResp float64) *Totals {
	var r Record
	r.Agent = agent
	r.Set(Served, QExact, served, 0)
	r.Set(Satisfied, QExact, sat, ratings)
	r.Set(FirstResp, QExact, firstResp*served, served)
	t := &Totals{}
	t.Add(&r)
	return t
}

func TestScoresRankAndMinimumVolume(t *testing.T) {
	rep := &Report{Agents: map[string]*Totals{
		"a": starDay("a", 100, 95, 100, 20), // best satisfaction, best response
		"b": starDay("b", 120, 90, 100, 30),
		"c": starDay("c", 80, 80, 100, 25),
		"d": starDay("d", 3, 3, 3, 5), // perfect but only 3 customers
	}}
	w := map[string]float64{"satisfaction": 0.6, "first_response": 0.4}
	got := Scores(rep, w, 10)
	if len(got) != 3 {
		t.Fatalf("Scores returned %d agents, want 3 (d served too few): %+v", len(got), got)
	}
	if got[0].Agent != "a" || got[0].Score != 100 {
		t.Fatalf("first = %+v, want a with 100", got[0])
	}
	// b: satisfaction (90-80)/(95-80)=2/3 × 0.6, response 0 × 0.4 → 0.4 → 60+16.
	// c: satisfaction 0, response (30-25)/(30-20)=0.5 × 0.4 → 0.2 → 60+8.
	if got[1].Agent != "b" || starAbs(got[1].Score-76) > 1e-9 || got[2].Agent != "c" || starAbs(got[2].Score-68) > 1e-9 {
		t.Fatalf("ranking = %+v, want b 76 then c 68", got)
	}
	if all := Scores(rep, w, 0); len(all) != 4 || all[0].Agent != "d" {
		t.Fatalf("with no minimum, d should lead: %+v", all)
	}
}

func starAbs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
