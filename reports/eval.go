package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Evaluation is one agent's 三维绩效: each dimension scored 0..100, and the
// weighted total over the dimensions that have data.
type Evaluation struct {
	Member                        string
	Service, Learning, Team       float64
	HasService, HasLearn, HasTeam bool
	Total                         float64
	HasTotal                      bool
	Missing                       []string // dimensions left out, in Chinese
}

// weights returns the configured weights, or the defaults when all are zero.
func (b *Builder) weights() Weights {
	w := b.Weights
	if w.Service <= 0 && w.Learning <= 0 && w.Team <= 0 {
		return DefaultWeights()
	}
	return w
}

// evaluations scores the shown agents of one team:
//   - service: the KPI composite score (see kpi.Scores), relative within the team;
//   - learning: the mean of lesson attendance and quiz accuracy, as a percentage;
//   - team contribution: approved knowledge entries plus awards and peer
//     thanks (not the KPI titles and bronze badges, which the service score
//     counts already), scaled so the team's best contributor has 100.
func (b *Builder) evaluations(d *teamData, x *extras) []Evaluation {
	w := b.weights()
	lessons := map[string]LessonRow{}
	for _, r := range x.lessons[d.team.ID] {
		lessons[r.Member] = r
	}
	contrib := map[string]int{}
	for _, r := range x.knowledge[d.team.ID] {
		contrib[r.Member] += r.Approved
	}
	for _, r := range x.awards[d.team.ID] {
		if !r.FromKPI {
			contrib[r.Member]++
		}
	}
	best := 0
	for _, c := range contrib {
		best = max(best, c)
	}
	_, lessonFailed := x.failed[SheetLessons]
	haveTeam := (x.knowledge != nil || x.awards != nil) && x.failed[SheetKnowledge] == "" && x.failed[SheetAwards] == ""
	var out []Evaluation
	for _, id := range d.order {
		e := Evaluation{Member: id}
		e.Service, e.HasService = d.score[id]
		if !e.HasService {
			e.Missing = append(e.Missing, "服务指标（无 KPI 数据）")
		}
		if r, ok := lessons[id]; ok && !lessonFailed {
			var parts []float64
			if a, ok := ratio(r.Attended, r.Lessons); ok {
				parts = append(parts, a)
			}
			if c, ok := ratio(r.Correct, r.Answered); ok {
				parts = append(parts, c)
			}
			if len(parts) > 0 {
				sum := 0.0
				for _, p := range parts {
					sum += p
				}
				e.Learning, e.HasLearn = 100*sum/float64(len(parts)), true
			}
		}
		if !e.HasLearn {
			e.Missing = append(e.Missing, "学习成长（无微课堂数据）")
		}
		if haveTeam {
			e.HasTeam = true
			if best > 0 {
				e.Team = 100 * float64(contrib[id]) / float64(best)
			}
		} else {
			e.Missing = append(e.Missing, "团队贡献（无知识众筹与荣誉数据）")
		}
		var sum, ws float64
		for _, p := range []struct {
			has  bool
			v, w float64
		}{{e.HasService, e.Service, w.Service}, {e.HasLearn, e.Learning, w.Learning}, {e.HasTeam, e.Team, w.Team}} {
			if p.has && p.w > 0 {
				sum += p.v * p.w
				ws += p.w
			}
		}
		if ws > 0 {
			e.Total, e.HasTotal = sum/ws, true
		}
		out = append(out, e)
	}
	return out
}

// evalSheet writes 三维绩效.
func (b *Builder) evalSheet(f *excelize.File, st *styles, req *Request, data []*teamData, x *extras) error {
	w := b.weights()
	cols := []col{{"排名", 7}, {"团队", 12}, {"客服", 12}, {"服务指标", 10}, {"学习成长", 10}, {"团队贡献", 10}, {"综合得分", 10}, {"说明", 44}}
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v/(w.Service+w.Learning+w.Team)) }
	note := fmt.Sprintf("%s · 权重：服务指标 %s · 学习成长 %s · 团队贡献 %s；缺少数据的维度不计入，其余维度按权重折算；各维度满分 100",
		req.Label, pct(w.Service), pct(w.Learning), pct(w.Team))
	t, err := newTable(f, st, SheetEval, "三维绩效", "", note, cols)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range data {
		evals := b.evaluations(d, x)
		sort.SliceStable(evals, func(i, j int) bool {
			if evals[i].HasTotal != evals[j].HasTotal {
				return evals[i].HasTotal
			}
			return evals[i].Total > evals[j].Total
		})
		for i, e := range evals {
			v := t.rowBuf()
			if e.HasTotal {
				v[0] = t.int(i + 1)
			}
			v[1], v[2] = Text(d.team.Name), d.name(e.Member)
			v[3] = t.num(kScore, e.Service, e.HasService, false)
			v[4] = t.num(kScore, e.Learning, e.HasLearn, false)
			v[5] = t.num(kScore, e.Team, e.HasTeam, false)
			v[6] = t.num(kScore, e.Total, e.HasTotal, false)
			if len(e.Missing) > 0 {
				v[7] = excelize.Cell{StyleID: st.note, Value: "未计入：" + strings.Join(e.Missing, "、")}
			}
			if err := t.add(v); err != nil {
				return err
			}
			n++
		}
	}
	return t.finishRows(n)
}
