package reports

import (
	"fmt"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/kpi"
)

// rankTop is how many places each board shows per team.
const rankTop = 10

// board is one leaderboard.
type board struct {
	title string
	kind  kind
	get   func(d *teamData, x *extras, id string) (float64, bool)
	asc   bool // lower is better
}

func metricBoard(title string, m metric, asc bool) board {
	return board{title, m.kind, func(d *teamData, _ *extras, id string) (float64, bool) {
		t := d.rep.Agents[id]
		if t == nil {
			return 0, false
		}
		return m.get(t)
	}, asc}
}

var boards = []board{
	{"综合得分", kScore, func(d *teamData, _ *extras, id string) (float64, bool) {
		s, ok := d.score[id]
		return s, ok
	}, false},
	metricBoard("销售额", metric{kind: kMoney, get: (*kpi.Totals).Sales}, false),
	metricBoard("询单转化率", metric{kind: kPct, get: (*kpi.Totals).Conversion}, false),
	metricBoard("满意率", metric{kind: kPct, get: (*kpi.Totals).Satisfaction}, false),
	metricBoard("首次响应时间", metric{kind: kSec, get: (*kpi.Totals).FirstResp}, true),
	metricBoard("接待人数", metric{kind: kCount, get: (*kpi.Totals).ServedCount}, false),
	{"积分", kCount, func(d *teamData, x *extras, id string) (float64, bool) {
		p, ok := x.points[d.team.ID][id]
		return float64(p), ok
	}, false},
}

// ranking writes 排行榜: per team, the top agents of each board. Boards
// compare within a team (recognition inflates differently between teams).
func (b *Builder) ranking(f *excelize.File, st *styles, req *Request, data []*teamData, x *extras) error {
	cols := []col{{"榜单", 14}, {"团队", 12}, {"名次", 7}, {"客服", 12}, {"数值", 14}}
	note := fmt.Sprintf("%s · 每个团队每个榜单前 %d 名；首次响应时间越短越好", req.Label, rankTop)
	if x.untimed > 0 {
		note += fmt.Sprintf("；%d 条积分记录没有时间，未计入", x.untimed)
	}
	t, err := newTable(f, st, SheetRanking, "排行榜", "", note, cols)
	if err != nil {
		return err
	}
	n := 0
	for _, bd := range boards {
		for _, d := range data {
			type entry struct {
				id string
				v  float64
			}
			var es []entry
			for _, id := range d.rep.AgentIDs() {
				if v, ok := bd.get(d, x, id); ok {
					es = append(es, entry{id, v})
				}
			}
			sort.SliceStable(es, func(i, j int) bool {
				if es[i].v != es[j].v {
					return (es[i].v < es[j].v) == bd.asc
				}
				return es[i].id < es[j].id
			})
			shown := map[string]bool{}
			for _, id := range d.order {
				shown[id] = true
			}
			for i, e := range es {
				if req.Agent == "" && i >= rankTop {
					break
				}
				if !shown[e.id] {
					continue
				}
				v := t.rowBuf()
				v[0], v[1], v[2], v[3] = bd.title, Text(d.team.Name), t.int(i+1), d.name(e.id)
				v[4] = t.num(bd.kind, e.v, true, false)
				if err := t.add(v); err != nil {
					return err
				}
				n++
			}
		}
	}
	return t.finishRows(n)
}
