package reports

import (
	"context"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"
)

// TalkRow is one one-to-one (面谈) of a period.
type TalkRow struct {
	Member string // member id
	By     string // who talked with them (member id)
	Date   time.Time
	Note   string // what was said and agreed
}

// TalkStats provides the 面谈 sheet (the growth feature implements it).
type TalkStats interface {
	TalkSheet(ctx context.Context, team string, from, to time.Time) ([]TalkRow, error)
}

// talkSheet writes 面谈: the period's one-to-ones, and the agents nobody
// talked with. What was said is shown only in a private workbook (to
// supervisors and managers); one posted to a group says it is withheld.
func (b *Builder) talkSheet(f *excelize.File, st *styles, req *Request, data []*teamData, x *extras) error {
	cols := []col{{"团队", 12}, {"客服", 12}, {"日期", 12}, {"面谈人", 12}, {"面谈内容与行动", 60}}
	sub := req.Label + " · 一对一面谈（每人每月一次，未达标的优先）"
	if !req.Private {
		sub += "；面谈内容仅在私聊和经理的报表中显示"
	}
	t, err := newTable(f, st, SheetTalks, "面谈", "", sub, cols)
	if err != nil {
		return err
	}
	if done, err := noData(t, x, SheetTalks, x.talks != nil); done || err != nil {
		if err != nil {
			return err
		}
		return t.finish()
	}
	n := 0
	for _, d := range data {
		rows := append([]TalkRow(nil), x.talks[d.team.ID]...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Date.Before(rows[j].Date) })
		talked := map[string]bool{}
		for _, r := range rows {
			talked[r.Member] = true
			if !keep(req, r.Member) {
				continue
			}
			v := t.rowBuf()
			v[0], v[1], v[3] = Text(d.team.Name), d.name(r.Member), d.name(r.By)
			v[2] = excelize.Cell{StyleID: st.plain[kDate], Value: r.Date}
			if req.Private {
				v[4] = Text(r.Note)
			} else {
				v[4] = Text("（不在群里显示）")
			}
			if err := t.add(v); err != nil {
				return err
			}
			n++
		}
		for _, m := range d.team.Members {
			if !m.Agent || talked[m.ID] || !keep(req, m.ID) {
				continue
			}
			v := t.rowBuf()
			v[0], v[1], v[4] = Text(d.team.Name), d.name(m.ID), Text("本期没有面谈")
			if err := t.add(v); err != nil {
				return err
			}
			n++
		}
	}
	return t.finishRows(n)
}
