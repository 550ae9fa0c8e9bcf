package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/banzu-bot/banzu/kpi"
)

// personMiss is one agent's missed targets on the day.
type personMiss struct {
	ID, Name string
	Checks   []kpi.Check // missed, in display order
	gap      float64     // sum of relative gaps, for ordering
}

// collectMisses lists the agents below a target on the day, most misses
// (then the largest gaps) first.
func collectMisses(in Daily) []personMiss {
	var out []personMiss
	for _, id := range in.Day.AgentIDs() {
		p := personMiss{ID: id, Name: in.People.Name(id)}
		for _, c := range kpi.Evaluate(in.Day.Agents[id], kpi.RulesFor(in.Targets, in.People.Level(id))) {
			if c.OK || c.NoData {
				continue
			}
			if _, ok := chatFigureFor(c.Metric); !ok {
				continue
			}
			p.Checks = append(p.Checks, c)
			if c.Target != 0 {
				p.gap += math.Abs(c.Value-c.Target) / math.Abs(c.Target)
			}
		}
		if len(p.Checks) > 0 {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Checks) != len(out[j].Checks) {
			return len(out[i].Checks) > len(out[j].Checks)
		}
		if out[i].gap != out[j].gap {
			return out[i].gap > out[j].gap
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// chatMissNames is the opt-in public form: per figure, the names below
// target, without their figures.
func chatMissNames(in Daily) []string {
	by := map[string][]string{}
	for _, p := range collectMisses(in) {
		for _, c := range p.Checks {
			by[c.Metric] = append(by[c.Metric], p.Name)
		}
	}
	var out []string
	for _, f := range chatFigures {
		if names := by[f.metric]; len(names) > 0 {
			sort.Strings(names)
			out = append(out, f.label+" "+chatJoin(names, maxNamesPerLine))
		}
	}
	return out
}

// worse reports whether v is worse than than for a check's direction.
func worse(c kpi.Check, v, than float64) bool {
	if c.Op == kpi.OpGE {
		return v < than
	}
	return v > than
}

// maxTalks bounds the one-to-one talks suggested for a week.
const maxTalks = 3

// SupervisorMisses is the supervisors' private message after the morning
// post: each agent below a target, their figures against it, the 3-month
// trend of each missed figure, and whom to talk to this week. "" when
// nobody missed a target.
func SupervisorMisses(in Daily) string {
	misses := collectMisses(in)
	if len(misses) == 0 {
		return ""
	}
	var b strings.Builder
	note := "仅主管可见，群里不点名"
	if in.PublicMisses {
		note = "仅主管可见"
	}
	fmt.Fprintf(&b, "**🔒 %s %d月%d日 未达标明细**（%s）\n", in.TeamName, int(in.Date.Month()), in.Date.Day(), note)
	var talk []string
	for _, p := range misses {
		var figs, trends []string
		declining := ""
		for _, c := range p.Checks {
			f, _ := chatFigureFor(c.Metric)
			figs = append(figs, fmt.Sprintf("%s %s（%s）", f.label, f.format(c.Value), chatTarget(f, c)))
			var steps []string
			var vals []float64
			for _, m := range in.Months {
				t := (*kpi.Totals)(nil)
				if m.Report != nil {
					t = m.Report.Agents[p.ID]
				}
				if t == nil {
					steps = append(steps, m.Label+" —")
					continue
				}
				v, ok := f.get(t)
				if !ok {
					steps = append(steps, m.Label+" —")
					continue
				}
				steps = append(steps, m.Label+" "+f.format(v))
				vals = append(vals, v)
			}
			if len(steps) > 0 {
				trends = append(trends, f.label+" "+strings.Join(steps, " → "))
			}
			shownWorse := func(a, b float64) bool { return worse(c, a, b) && f.format(a) != f.format(b) }
			if len(vals) == 3 && shownWorse(vals[1], vals[0]) && shownWorse(vals[2], vals[1]) && declining == "" {
				declining = f.label + "连续两个月变差"
			}
		}
		fmt.Fprintf(&b, "- **%s**：%s\n", p.Name, strings.Join(figs, "、"))
		if len(trends) > 0 {
			b.WriteString("　近 3 个月：" + strings.Join(trends, "；") + "\n")
		}
		var why []string
		if len(p.Checks) >= 3 {
			why = append(why, fmt.Sprintf("%d 项未达标", len(p.Checks)))
		}
		if declining != "" {
			why = append(why, declining)
		}
		if len(why) > 0 {
			talk = append(talk, p.Name+"（"+strings.Join(why, "，")+"）")
		}
	}
	// A week has room for a few talks: the ones who need it most.
	if len(talk) > maxTalks {
		talk = talk[:maxTalks]
	}
	if len(talk) == 0 {
		// Nobody stands out: the one furthest off is still worth a talk.
		talk = append(talk, misses[0].Name+"（差距最大）")
	}
	b.WriteString("\n建议本周一对一：" + strings.Join(talk, "、") + "。先问困难、再一起定一个小目标，比在群里点名更管用。")
	return b.String()
}
