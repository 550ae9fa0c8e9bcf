package app

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
)

// The KPI dashboard of the supervisor pages.

// SupTarget is one configured target as the dashboard draws it.
type SupTarget struct {
	Rule    string  `json:"rule"`
	Label   string  `json:"label"`
	Op      string  `json:"op"` // ≤, < or ≥
	Target  float64 `json:"target"`
	Seconds bool    `json:"seconds"` // a time in seconds; otherwise a fraction
}

// SupFigure is one figure checked against its target.
type SupFigure struct {
	Rule   string   `json:"rule"`
	Value  *float64 `json:"value"` // nil: no data
	OK     bool     `json:"ok"`
	Target float64  `json:"target"`
}

// SupDay is the team's figures on one day, by rule.
type SupDay struct {
	Date    string               `json:"date"`
	Figures map[string]SupFigure `json:"figures"`
}

// SupAgent is one agent's month against their targets.
type SupAgent struct {
	ID      string               `json:"id"`
	Name    string               `json:"name"`
	Level   string               `json:"level"` // 客服 or 资深客服
	Days    int                  `json:"days"`
	Meets   bool                 `json:"meets"`
	Misses  int                  `json:"misses"`
	Figures map[string]SupFigure `json:"figures"`
}

// SupKPI is the dashboard's data for one team and month.
type SupKPI struct {
	Team        SupTeam              `json:"team"`
	Month       string               `json:"month"` // 2026-11
	Label       string               `json:"label"` // 2026年11月
	From        string               `json:"from"`
	To          string               `json:"to"`
	TeamTargets []SupTarget          `json:"team_targets"`
	Targets     []SupTarget          `json:"targets"` // every rule an agent is checked on, in display order
	Total       map[string]SupFigure `json:"total"`
	TeamMeets   bool                 `json:"team_meets"`
	Days        []SupDay             `json:"days"`
	Agents      []SupAgent           `json:"agents"`
}

var opSigns = map[string]string{kpi.OpLE: "≤", kpi.OpLT: "<", kpi.OpGE: "≥"}

func supTargets(checks []kpi.Check) []SupTarget {
	out := []SupTarget{}
	for _, c := range checks {
		out = append(out, SupTarget{Rule: c.Rule, Label: c.Label, Op: opSigns[c.Op], Target: c.Target,
			Seconds: strings.HasSuffix(c.Metric, "_response")})
	}
	return out
}

func supFigures(checks []kpi.Check) map[string]SupFigure {
	out := map[string]SupFigure{}
	for _, c := range checks {
		f := SupFigure{Rule: c.Rule, OK: c.OK, Target: c.Target}
		if !c.NoData {
			v := c.Value
			f.Value = &v
		}
		out[c.Rule] = f
	}
	return out
}

// supMonth reads ?month=2026-11; the default is the month of yesterday, the
// last day with complete data.
func (a *App) supMonth(r *http.Request) (period.Range, *supErr) {
	now := a.Now()
	if s := r.URL.Query().Get("month"); s != "" {
		t, err := time.ParseInLocation("2006-01", s, now.Location())
		if err != nil {
			return period.Range{}, &supErr{http.StatusBadRequest, "月份格式应为 2026-11：" + s}
		}
		return period.Month(t), nil
	}
	return period.Month(period.Day(now).AddDate(0, 0, -1)), nil
}

func (a *App) supKPI(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.supQuery(w, r)
	if !ok {
		return
	}
	month, e := a.supMonth(r)
	if e != nil {
		supFail(w, e)
		return
	}
	out, err := a.SupKPI(r.Context(), t, month)
	if err != nil {
		a.Log.Error("console dashboard", "team_id", t.ID, "error", err)
		supFail(w, &supErr{http.StatusInternalServerError, "读取 KPI 失败"})
		return
	}
	supJSON(w, http.StatusOK, out)
}

// SupKPI builds the dashboard of team t for month: the team's daily figures
// against the team targets and each agent's month against their level's
// targets (the rules the workbook and /kpi use).
func (a *App) SupKPI(ctx context.Context, t *bot.Team, month period.Range) (*SupKPI, error) {
	repo := kpi.NewRepo(a.Store)
	from, to := month.FromDate(), month.ToDate()
	series, err := repo.Series(ctx, t.ID, from, to, "")
	if err != nil {
		return nil, err
	}
	rep, err := repo.Range(ctx, t.ID, from, to)
	if err != nil {
		return nil, err
	}
	targets := kpi.TeamTargets(a.Cfg.Targets, t.Config)
	teamRules := kpi.RulesFor(targets, kpi.LevelTeam)
	totalChecks := kpi.Evaluate(&rep.Total, teamRules)
	out := &SupKPI{Team: SupTeam{ID: t.ID, Name: t.Name}, Month: month.From.Format("2006-01"),
		Label: month.From.Format("2006年1月"), From: from, To: to,
		TeamTargets: supTargets(totalChecks), Total: supFigures(totalChecks), Days: []SupDay{}, Agents: []SupAgent{}}
	out.TeamMeets = len(rep.Agents) > 0 && kpi.Meets(totalChecks)
	for i := range series {
		out.Days = append(out.Days, SupDay{Date: series[i].Date, Figures: supFigures(kpi.Evaluate(&series[i].Totals, teamRules))})
	}
	seen := map[string]bool{}
	used := map[string]bool{}
	var all []kpi.Check
	add := func(id, name, level string) {
		tot := rep.Agents[id]
		ag := SupAgent{ID: id, Name: name, Level: "客服", Figures: map[string]SupFigure{}}
		if level == kpi.LevelSenior {
			ag.Level = "资深客服"
		}
		if level == "" {
			level = kpi.LevelAgent
		}
		if tot != nil {
			checks := kpi.Evaluate(tot, kpi.RulesFor(targets, level))
			ag.Days, ag.Meets, ag.Figures = tot.Records, kpi.Meets(checks), supFigures(checks)
			for _, c := range checks {
				if !c.NoData && !c.OK {
					ag.Misses++
				}
				if !used[c.Rule] {
					used[c.Rule] = true
					all = append(all, c)
				}
			}
		}
		out.Agents = append(out.Agents, ag)
	}
	for _, m := range t.Members {
		if _, has := rep.Agents[m.ID]; has || a.Directory.RoleOf(m) == bot.RoleAgent {
			seen[m.ID] = true
			add(m.ID, m.Name, m.Level)
		}
	}
	for _, id := range rep.AgentIDs() {
		if !seen[id] {
			add(id, id, "")
		}
	}
	order := map[string]int{}
	for i, n := range kpi.RuleNames() {
		order[n] = i
	}
	sort.SliceStable(all, func(i, j int) bool { return order[all[i].Rule] < order[all[j].Rule] })
	out.Targets = supTargets(all)
	return out, nil
}
