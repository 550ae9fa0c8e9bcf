package awards

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
)

// Winner is one winner of a title with the figures behind it.
type Winner struct {
	Member  string
	Value   float64 // the deciding figure (a fraction, seconds, a count or a score)
	Volume  float64 // the volume behind it (served, inquiries, ratings …)
	Figures string  // in words, e.g. "满意率 98.1%（512/522 条评价）"
}

// TitleResult is the outcome of one title for a month.
type TitleResult struct {
	Title config.AwardTitle
	// Winners has one member, or several when they tie exactly on the
	// deciding figure (they share the title); none when nobody qualified.
	Winners    []Winner
	Contenders int // agents who met the minimum volume and days
	OffTarget  int // contenders left out for missing their own target of the metric
	Holders    int // contenders left out for holding enough titles this month
}

// TitleInput is what the titles of one team's month are decided from.
type TitleInput struct {
	Report    *kpi.Report        // the month's KPI aggregate
	Knowledge map[string]int     // approved knowledge entries per member in the month
	Eligible  func(string) bool  // who may win (the team's agents); nil: everyone
	Weights   map[string]float64 // composite score weights (config kpi.star_weights)
	MinDays   int                // days with KPI data a KPI title needs
	// Rules returns a member's KPI targets (by their level and team); a KPI
	// title goes only to someone who meets the target of its metric (服务之星,
	// the composite, needs every target with data met). nil: no check.
	Rules func(id string) map[string]float64
	// MaxPerPerson is how many titles one member may win in the month; the
	// titles are decided in order, and a title whose leader holds enough
	// goes to the next best. 0: no limit.
	MaxPerPerson int
}

// metricDef says how a title's metric is read from an agent's month.
type metricDef struct {
	value  func(*kpi.Totals) (float64, bool)
	volume func(*kpi.Totals) (float64, bool)
	lower  bool // lower is better (response time)
	count  bool // a count: zero does not win
}

var metricDefs = map[string]metricDef{
	"conversion":     {(*kpi.Totals).Conversion, (*kpi.Totals).InquiryCount, false, false},
	"recovered":      {(*kpi.Totals).RecoveredCount, (*kpi.Totals).ServedCount, false, true},
	"satisfaction":   {(*kpi.Totals).Satisfaction, ratingBase, false, false},
	"first_response": {(*kpi.Totals).FirstResp, (*kpi.Totals).ServedCount, true, false},
	"fcr":            {(*kpi.Totals).FCR, fcrBase, false, false},
}

// ratingBase is the number of ratings behind the satisfaction rate.
func ratingBase(t *kpi.Totals) (float64, bool) {
	if !t.Has(kpi.Satisfied) {
		return 0, false
	}
	return t.Base[kpi.Satisfied], true
}

// fcrBase is the consultations behind the first-contact resolution rate.
func fcrBase(t *kpi.Totals) (float64, bool) {
	if !t.Has(kpi.Resolved) {
		return 0, false
	}
	return t.Base[kpi.Resolved], true
}

// VolumeLabel names what a title's minimum volume counts.
func VolumeLabel(metric string) string {
	switch metric {
	case "conversion":
		return "询单"
	case "satisfaction":
		return "评价"
	case "fcr":
		return "咨询"
	case "knowledge":
		return "条审核通过的知识"
	}
	return "接待"
}

// DecideTitles decides every title of a month. Ties on the deciding figure
// share the title; ties are exact (the composite score and rates compared
// to 1e-9), listed by member id.
func DecideTitles(in TitleInput, titles []config.AwardTitle) []TitleResult {
	out := make([]TitleResult, 0, len(titles))
	won := map[string]int{}
	for _, t := range titles {
		r := decideTitle(in, t, won)
		for _, w := range r.Winners {
			won[w.Member]++
		}
		out = append(out, r)
	}
	return out
}

// onTarget reports whether a member's month meets their target of metric.
// A metric without a target (the composite score, recovered orders,
// knowledge, or one the member's level sets none for) passes.
func (in TitleInput) onTarget(id, metric string, t *kpi.Totals) bool {
	if in.Rules == nil || t == nil {
		return true
	}
	checks := kpi.Evaluate(t, in.Rules(id))
	for _, c := range checks {
		if c.Metric == metric && !c.NoData && !c.OK {
			return false
		}
	}
	return true
}

func (in TitleInput) eligible(id string) bool { return in.Eligible == nil || in.Eligible(id) }

// qualifies reports whether an agent's month has enough days and volume.
func (in TitleInput) qualifies(id string, t *kpi.Totals, vol func(*kpi.Totals) (float64, bool), min float64) (float64, bool) {
	if !in.eligible(id) || t.Records < in.MinDays {
		return 0, false
	}
	v, ok := vol(t)
	if !ok || v < min {
		return 0, false
	}
	return v, true
}

func decideTitle(in TitleInput, title config.AwardTitle, won map[string]int) TitleResult {
	res := TitleResult{Title: title}
	var cands []Winner
	higher := true
	switch title.Metric {
	case "knowledge":
		for id, n := range in.Knowledge {
			if !in.eligible(id) || float64(n) < math.Max(title.MinVolume, 1) {
				continue
			}
			cands = append(cands, Winner{Member: id, Value: float64(n), Volume: float64(n), Figures: fmt.Sprintf("审核通过知识 %d 条", n)})
		}
	case "composite":
		if in.Report == nil {
			break
		}
		// Only qualified agents are scaled against each other.
		sub := &kpi.Report{Team: in.Report.Team, From: in.Report.From, To: in.Report.To, Agents: map[string]*kpi.Totals{}}
		for id, t := range in.Report.Agents {
			if _, ok := in.qualifies(id, t, (*kpi.Totals).ServedCount, title.MinVolume); ok {
				sub.Agents[id] = t
			}
		}
		for _, s := range kpi.Scores(sub, in.Weights, title.MinVolume) {
			t := sub.Agents[s.Agent]
			served, _ := t.ServedCount()
			cands = append(cands, Winner{Member: s.Agent, Value: s.Score, Volume: served, Figures: compositeFigures(s.Score, t)})
		}
	default:
		d, ok := metricDefs[title.Metric]
		if !ok || in.Report == nil {
			break
		}
		higher = !d.lower
		for _, id := range in.Report.AgentIDs() {
			t := in.Report.Agents[id]
			vol, ok := in.qualifies(id, t, d.volume, title.MinVolume)
			if !ok {
				continue
			}
			v, ok := d.value(t)
			if !ok || (d.count && v <= 0) || (d.lower && v <= 0) {
				continue
			}
			cands = append(cands, Winner{Member: id, Value: v, Volume: vol, Figures: metricFigures(title.Metric, v, t)})
		}
	}
	res.Contenders = len(cands)
	// A title for figures below the winner's own target, or for someone who
	// holds enough titles this month, goes to the next best.
	kept := cands[:0]
	for _, c := range cands {
		if in.Report != nil && !in.onTarget(c.Member, title.Metric, in.Report.Agents[c.Member]) {
			res.OffTarget++
			continue
		}
		if in.MaxPerPerson > 0 && won[c.Member] >= in.MaxPerPerson {
			res.Holders++
			continue
		}
		kept = append(kept, c)
	}
	cands = kept
	if len(cands) == 0 {
		return res
	}
	better := func(a, b float64) bool {
		if higher {
			return a > b+1e-9
		}
		return a < b-1e-9
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if better(cands[i].Value, cands[j].Value) {
			return true
		}
		if better(cands[j].Value, cands[i].Value) {
			return false
		}
		return cands[i].Member < cands[j].Member
	})
	best := cands[0].Value
	for _, c := range cands {
		if better(best, c.Value) {
			break
		}
		res.Winners = append(res.Winners, c)
	}
	return res
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", v*100) }

func compositeFigures(score float64, t *kpi.Totals) string {
	parts := []string{fmt.Sprintf("综合得分 %.1f", score)}
	if v, ok := t.ServedCount(); ok {
		parts = append(parts, "接待 "+kpi.Thousands(v)+" 人")
	}
	if v, ok := t.Satisfaction(); ok {
		parts = append(parts, "满意率 "+pct(v))
	}
	if v, ok := t.Conversion(); ok {
		parts = append(parts, "询单转化率 "+pct(v))
	}
	if v, ok := t.FirstResp(); ok {
		parts = append(parts, fmt.Sprintf("首响 %.1f 秒", v))
	}
	return strings.Join(parts, " · ")
}

func metricFigures(metric string, v float64, t *kpi.Totals) string {
	switch metric {
	case "conversion":
		paid, _ := t.PaidCount()
		inq, _ := t.InquiryCount()
		return fmt.Sprintf("询单转化率 %s（付款 %s / 询单 %s 人）", pct(v), kpi.Thousands(paid), kpi.Thousands(inq))
	case "recovered":
		served, _ := t.ServedCount()
		return fmt.Sprintf("挽回订单 %s 单（接待 %s 人）", kpi.Thousands(v), kpi.Thousands(served))
	case "satisfaction":
		return fmt.Sprintf("满意率 %s（%s/%s 条评价）", pct(v), kpi.Thousands(t.Num[kpi.Satisfied]), kpi.Thousands(t.Base[kpi.Satisfied]))
	case "first_response":
		served, _ := t.ServedCount()
		return fmt.Sprintf("平均首次响应 %.1f 秒（接待 %s 人）", v, kpi.Thousands(served))
	case "fcr":
		return fmt.Sprintf("首次解决率 %s（%s/%s 次咨询）", pct(v), kpi.Thousands(t.Num[kpi.Resolved]), kpi.Thousands(t.Base[kpi.Resolved]))
	}
	return fmt.Sprintf("%g", v)
}

func sortStrings(s []string) { sort.Strings(s) }
