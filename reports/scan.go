package reports

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
)

// teamData is everything gathered for one team in the single KPI scan.
type teamData struct {
	team    *Team
	rep     *kpi.Report     // period totals, whole team (or the one agent) and per agent
	days    []kpi.DayTotals // per day, whole team (or the one agent)
	members map[string]*Member
	order   []string           // agent ids in display order
	score   map[string]float64 // composite score 0..100
	rank    map[string]int     // 1 = best, within the team
	checks  map[string]map[string]kpi.Check
	meets   map[string]bool
	// incomplete warns about months of the period an import left partial
	// or is writing (kpi.IncompleteNotice); "" when complete.
	incomplete string
}

func (d *teamData) name(id string) string {
	if m := d.members[id]; m != nil && m.Name != "" {
		return Text(m.Name)
	}
	return Text(id)
}

func (d *teamData) level(id string) string {
	if m := d.members[id]; m != nil && m.Level == kpi.LevelSenior {
		return kpi.LevelSenior
	}
	return kpi.LevelAgent
}

// scan reads each team's records once: it streams the 每日数据 sheet and
// accumulates the period totals and the daily series.
func (b *Builder) scan(ctx context.Context, f *excelize.File, st *styles, req *Request) ([]*teamData, *Built, error) {
	// Only the figures some record of the period carries get a column: the
	// sheet is streamed, so a first pass finds them (it stops as soon as
	// every figure has been seen, at once for complete exports).
	shown, err := b.dailyColumns(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	cols := []col{{"日期", 12}, {"团队", 12}, {"客服", 12}}
	for _, k := range shown {
		cols = append(cols, col{metrics[k].title, metricWidth(metrics[k])})
	}
	t, err := newTable(f, st, SheetDaily, "每日数据", "", "", cols)
	if err != nil {
		return nil, nil, err
	}
	sum := &Built{Teams: len(req.Teams)}
	days := map[string]bool{}
	var data []*teamData
	for i := range req.Teams {
		tm := &req.Teams[i]
		d := &teamData{team: tm, members: map[string]*Member{},
			rep: &kpi.Report{Team: tm.ID, From: req.FromDate(), To: req.ToDate(), Agents: map[string]*kpi.Totals{}}}
		for j := range tm.Members {
			d.members[tm.Members[j].ID] = &tm.Members[j]
		}
		teamName := Text(tm.Name)
		var date time.Time
		var dateStr string
		err := b.KPI.Records(ctx, tm.ID, req.FromDate(), req.ToDate(), func(r *kpi.Record) error {
			// Every agent counts for ranks, even in a report about one.
			at := d.rep.Agents[r.Agent]
			if at == nil {
				at = &kpi.Totals{}
				d.rep.Agents[r.Agent] = at
			}
			at.Add(r)
			if req.Agent != "" && r.Agent != req.Agent {
				return nil
			}
			if r.Date != dateStr {
				var err error
				if date, err = time.Parse(time.DateOnly, r.Date); err != nil {
					return err
				}
				dateStr = r.Date
				d.days = append(d.days, kpi.DayTotals{Date: r.Date})
				days[r.Date] = true
			}
			d.rep.Total.Add(r)
			d.days[len(d.days)-1].Add(r)
			sum.Records++

			var one kpi.Totals
			one.Add(r)
			v := t.rowBuf()
			v[0] = excelize.Cell{StyleID: st.plain[kDate], Value: date}
			v[1] = teamName
			v[2] = d.name(r.Agent)
			for i, k := range shown {
				x, ok := metrics[k].get(&one)
				v[3+i] = t.num(metrics[k].kind, x, ok, false)
			}
			return t.add(v)
		})
		if err != nil {
			return nil, sum, fmt.Errorf("reports: read KPI of team %s: %w", tm.ID, err)
		}
		d.order = agentOrder(tm, d.rep, req.Agent)
		sum.Agents += len(d.order)
		data = append(data, d)
	}
	sum.Days = len(days)
	if sum.Records == 0 {
		if err := t.empty("所选时间内没有 KPI 数据"); err != nil {
			return nil, sum, err
		}
	}
	return data, sum, t.finish()
}

// errAllSeen stops dailyColumns' pass once every figure has turned up.
var errAllSeen = errors.New("every figure seen")

// dailyColumns lists the metrics (indexes into metrics) that some record of
// the period carries, in metrics order; all of them when there is no data.
func (b *Builder) dailyColumns(ctx context.Context, req *Request) ([]int, error) {
	seen := make([]bool, len(metrics))
	left := len(metrics)
	masks := map[kpi.Mask]bool{} // records with the same figures present add nothing new
	for i := range req.Teams {
		err := b.KPI.Records(ctx, req.Teams[i].ID, req.FromDate(), req.ToDate(), func(r *kpi.Record) error {
			if req.Agent != "" && r.Agent != req.Agent {
				return nil
			}
			m := r.Present()
			if masks[m] {
				return nil
			}
			masks[m] = true
			var one kpi.Totals
			one.Add(r)
			for k, m := range metrics {
				if !seen[k] {
					if _, ok := m.get(&one); ok {
						seen[k] = true
						left--
					}
				}
			}
			if left == 0 {
				return errAllSeen
			}
			return nil
		})
		if errors.Is(err, errAllSeen) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reports: read KPI of team %s: %w", req.Teams[i].ID, err)
		}
	}
	var out []int
	for k := range metrics {
		if seen[k] || left == len(metrics) {
			out = append(out, k)
		}
	}
	return out, nil
}

// agentOrder lists the agents to show: roster agents first in roster order
// (with or without data), then ids with data that are not on the roster.
func agentOrder(tm *Team, rep *kpi.Report, only string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range tm.Members {
		if only != "" && m.ID != only {
			continue
		}
		if _, has := rep.Agents[m.ID]; has || m.Agent {
			out = append(out, m.ID)
			seen[m.ID] = true
		}
	}
	var extra []string
	for id := range rep.Agents {
		if !seen[id] && (only == "" || id == only) {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

// evaluate checks every agent against their targets and ranks them by the
// composite score within the team.
func (b *Builder) evaluate(d *teamData) {
	d.checks = map[string]map[string]kpi.Check{}
	d.meets = map[string]bool{}
	for _, id := range d.order {
		t := d.rep.Agents[id]
		if t == nil {
			continue
		}
		checks := kpi.Evaluate(t, kpi.RulesFor(b.targets(d), d.level(id)))
		d.checks[id] = checksByRule(checks)
		d.meets[id] = kpi.Meets(checks)
	}
	weights := b.StarWeights
	if weights == nil {
		weights = config.DefaultStarWeights()
	}
	if t, ok := b.Teams[d.team.ID]; ok {
		weights = kpi.TeamWeights(weights, t)
	}
	d.score, d.rank = map[string]float64{}, map[string]int{}
	for i, s := range kpi.Scores(d.rep, weights, 0) {
		d.score[s.Agent] = s.Score
		d.rank[s.Agent] = i + 1
	}
}
