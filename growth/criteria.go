package growth

import (
	"fmt"

	"github.com/banzu-bot/banzu/config"
)

// Record is what the criteria read of a person, gathered by the caller from
// the KPI history, the recognition ledger, the knowledge base and the
// lessons. A figure the caller could not find is left unknown (Has* false).
type Record struct {
	MonthsOnTarget  int // consecutive complete months meeting KPI
	Satisfaction    float64
	HasSatisfaction bool
	BadRate         float64
	HasBadRate      bool
	Conversion      float64
	HasConversion   bool
	Mentees         int // mentees recorded
	MenteesOnTarget int // of them, meeting KPI last month
	Knowledge       int // approved knowledge entries over the window
	LessonAnswered  int
	LessonCorrect   int
}

// Criterion is one criterion beside the record: what it needs, what the
// person has and whether it is met.
type Criterion struct {
	Name  string
	Need  string
	Have  string
	Met   bool
	Known bool // false: no data, so neither met nor missed
}

// SeniorCriteria are the practice's criteria for 资深客服: months on
// target, 满意率, 差评率, 转化, 带教 (every mentee on target, at least one),
// knowledge contributions and lesson accuracy.
func SeniorCriteria(r Record, c config.SeniorCriteria) []Criterion {
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", v*100) }
	out := []Criterion{{
		Name: "连续达标", Need: fmt.Sprintf("≥ %d 个月", c.MonthsOnTarget),
		Have: fmt.Sprintf("%d 个月", r.MonthsOnTarget), Met: r.MonthsOnTarget >= c.MonthsOnTarget, Known: true,
	}}
	rate := func(name, need string, v float64, has bool, met bool) {
		cr := Criterion{Name: name, Need: need, Have: "无数据", Known: has}
		if has {
			cr.Have, cr.Met = pct(v), met
		}
		out = append(out, cr)
	}
	rate("满意率（上月）", "≥ "+pct(c.SatisfactionMin), r.Satisfaction, r.HasSatisfaction, r.Satisfaction >= c.SatisfactionMin)
	rate("差评率（上月）", "< "+pct(c.BadRateMax), r.BadRate, r.HasBadRate, r.BadRate < c.BadRateMax)
	rate("询单转化率（上月）", "≥ "+pct(c.ConversionMin), r.Conversion, r.HasConversion, r.Conversion >= c.ConversionMin)
	mentor := Criterion{Name: "带教新人", Need: "至少 1 人，全部达标", Known: true,
		Have: fmt.Sprintf("%d 人，达标 %d 人", r.Mentees, r.MenteesOnTarget)}
	mentor.Met = r.Mentees > 0 && r.MenteesOnTarget == r.Mentees
	if r.Mentees == 0 {
		mentor.Have = "还没有带教"
	}
	out = append(out, mentor)
	out = append(out, Criterion{Name: "知识贡献", Need: fmt.Sprintf("≥ %d 条通过", c.KnowledgeMin),
		Have: fmt.Sprintf("%d 条", r.Knowledge), Met: r.Knowledge >= c.KnowledgeMin, Known: true})
	lessons := Criterion{Name: "微课答题正确率", Need: "≥ " + pct(c.LessonAccuracyMin), Have: "没有答题", Known: r.LessonAnswered > 0}
	if r.LessonAnswered > 0 {
		acc := float64(r.LessonCorrect) / float64(r.LessonAnswered)
		lessons.Have = fmt.Sprintf("%s（%d/%d）", pct(acc), r.LessonCorrect, r.LessonAnswered)
		lessons.Met = acc >= c.LessonAccuracyMin
	}
	out = append(out, lessons)
	return out
}

// Met counts the criteria met.
func Met(cs []Criterion) int {
	n := 0
	for _, c := range cs {
		if c.Met {
			n++
		}
	}
	return n
}

// Ready reports whether every criterion is met.
func Ready(cs []Criterion) bool { return Met(cs) == len(cs) }
