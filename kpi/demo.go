package kpi

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// DemoAgent is one agent of the demo history with their habits.
type DemoAgent struct {
	ID     string
	Senior bool
}

// DemoRecords makes days of plausible history for a team, ending at end
// (inclusive): per agent and day the customers served, inquiries and paid
// buyers, sales, ratings, response times and first-contact resolution, with
// weekends busier, seniors better, and the same output for the same input.
func DemoRecords(team string, agents []DemoAgent, end time.Time, days int) []Record {
	out := make([]Record, 0, len(agents)*days)
	for _, a := range agents {
		h := fnv.New64a()
		h.Write([]byte(team + "/" + a.ID))
		rng := rand.New(rand.NewPCG(h.Sum64(), 2026))
		skill := 0.9 + 0.2*rng.Float64() // each agent's own level
		if a.Senior {
			skill += 0.1
		}
		for i := days - 1; i >= 0; i-- {
			d := end.AddDate(0, 0, -i)
			if rng.IntN(14) == 0 {
				continue // a day off now and then
			}
			busy := 1.0
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				busy = 1.3
			}
			served := math.Round(busy * (70 + 40*rng.Float64()) * skill)
			inquiries := math.Round(served * (0.45 + 0.1*rng.Float64()))
			paid := math.Round(inquiries * demoClamp(0.2*skill+0.04*rng.NormFloat64(), 0.05, 0.5))
			ratings := math.Round(served * (0.25 + 0.1*rng.Float64()))
			sat := math.Round(ratings * demoClamp(0.88*skill+0.03*rng.NormFloat64(), 0.6, 1))
			bad := math.Min(ratings-sat, math.Round(ratings*demoClamp(0.04/skill+0.02*rng.NormFloat64(), 0, 0.3)))
			first := demoClamp(24/skill+4*rng.NormFloat64(), 5, 90)
			avg := first + 8 + 4*rng.Float64()
			var r Record
			r.Team, r.Date, r.Agent, r.Source = team, d.Format(time.DateOnly), a.ID, "demo"
			r.Set(Consultations, QExact, math.Round(served*1.05), 0)
			r.Set(Served, QExact, served, 0)
			r.Set(Inquiries, QExact, inquiries, 0)
			r.Set(Paid, QExact, paid, 0)
			r.Set(Ratings, QExact, ratings, 0)
			r.Set(Satisfied, QExact, sat, ratings)
			r.Set(Dissatisfied, QExact, bad, ratings)
			r.Set(FirstResp, QExact, first*served, served)
			r.Set(AvgResp, QExact, avg*served, served)
			r.Set(Resolved, QExact, math.Round(served*demoClamp(0.78*skill, 0.5, 0.98)), served)
			r.SetSales(QExact, int64(paid*(150+100*rng.Float64())*100))
			out = append(out, r)
		}
	}
	return out
}

func demoClamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
