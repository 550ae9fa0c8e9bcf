package reports

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// agentsSheet writes 客服明细: each agent's period figures against their own
// targets (misses in red), the composite score and the rank in the team.
func (b *Builder) agentsSheet(f *excelize.File, st *styles, req *Request, data []*teamData) error {
	var used []metric
	for _, d := range data {
		used = mergeMetrics(used, usedMetrics(&d.rep.Total))
	}
	cols := []col{{"排名", 7}, {"客服", 12}, {"团队", 12}, {"级别", 8}, {"综合得分", 10}}
	for _, m := range used {
		cols = append(cols, col{m.title, metricWidth(m)})
	}
	cols = append(cols, col{"达标情况", 10}, col{"未达标项", 40})
	note := fmt.Sprintf("%s · %s 至 %s · 排名按综合得分（满意率、转化率、首响、接待量、差评率加权，团队内比较）；红色为未达标", req.Label, req.FromDate(), req.ToDate())
	t, err := newTable(f, st, SheetAgents, "客服明细", "", note, cols)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range data {
		for _, id := range rankOrder(d) {
			tot := d.rep.Agents[id]
			v := t.rowBuf()
			if r, ok := d.rank[id]; ok {
				v[0] = t.int(r)
			}
			v[1] = d.name(id)
			v[2] = Text(d.team.Name)
			v[3] = "客服"
			if d.level(id) == "senior" {
				v[3] = "资深"
			}
			if s, ok := d.score[id]; ok {
				v[4] = t.num(kScore, s, true, false)
			}
			checks := d.checks[id]
			for k, m := range used {
				if tot == nil {
					continue
				}
				x, ok := m.get(tot)
				v[5+k] = t.num(m.kind, x, ok, missed(m, checks))
			}
			c := 5 + len(used)
			switch {
			case tot == nil:
				v[c] = "无数据"
			case d.meets[id]:
				v[c] = excelize.Cell{StyleID: st.ok, Value: "达标"}
			default:
				var misses []string
				for _, m := range metrics {
					if missed(m, checks) {
						misses = append(misses, checks[m.rule].String())
					}
				}
				if len(misses) > 0 {
					v[c] = excelize.Cell{StyleID: st.bad, Value: fmt.Sprintf("未达标 %d 项", len(misses))}
					v[c+1] = strings.Join(misses, "；")
				} else {
					v[c] = "无目标数据"
				}
			}
			if err := t.add(v); err != nil {
				return err
			}
			n++
		}
	}
	return t.finishRows(n)
}

// rankOrder lists a team's agents best rank first (the sheet's first column
// is 排名, so it reads top down); agents without a rank follow in roster order.
func rankOrder(d *teamData) []string {
	out := slices.Clone(d.order)
	sort.SliceStable(out, func(i, j int) bool {
		ri, oki := d.rank[out[i]]
		rj, okj := d.rank[out[j]]
		switch {
		case oki && okj:
			return ri < rj
		default:
			return oki && !okj
		}
	})
	return out
}

// mergeMetrics returns the metrics in a or b, in display order.
func mergeMetrics(a, b []metric) []metric {
	in := map[string]bool{}
	for _, m := range a {
		in[m.title] = true
	}
	for _, m := range b {
		in[m.title] = true
	}
	var out []metric
	for _, m := range metrics {
		if in[m.title] {
			out = append(out, m)
		}
	}
	return out
}
