package kpi

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/banzu-bot/banzu/config"
)

// Target levels in config.Targets.
const (
	LevelAgent  = "agent"
	LevelSenior = "senior"
	LevelTeam   = "team"
)

// Rule names in config.Targets. A "_max" rule holds when the value is at most
// the target, except bad_rate_max, which must stay strictly below it (domain:
// "bad-review rate < 3%"). A "_min" rule holds at or above the target.
const (
	RuleFirstResponseMax = "first_response_max"
	RuleAvgResponseMax   = "avg_response_max"
	RuleSatisfactionMin  = "satisfaction_min"
	RuleBadRateMax       = "bad_rate_max"
	RuleFCRMin           = "fcr_min"
	RuleConversionMin    = "conversion_min"
	RuleReply3mMin       = "reply3m_min"
	RuleReplyRateMin     = "reply_rate_min"
	RuleRefundRateMax    = "refund_rate_max"
)

// Comparison operators of a Check.
const (
	OpLE = "<="
	OpLT = "<"
	OpGE = ">="
)

// ruleDef describes one rule: which figure it checks and how.
type ruleDef struct {
	name    string
	metric  string // figure name, e.g. "satisfaction"
	label   string
	op      string
	seconds bool // a time in seconds; otherwise a fraction in [0, 1]
	get     func(*Totals) (float64, bool)
}

// ruleDefs is in display order.
var ruleDefs = []ruleDef{
	{RuleFirstResponseMax, "first_response", "首次响应时间", OpLE, true, (*Totals).FirstResp},
	{RuleAvgResponseMax, "avg_response", "平均响应时间", OpLE, true, (*Totals).AvgResp},
	{RuleSatisfactionMin, "satisfaction", "满意率", OpGE, false, (*Totals).Satisfaction},
	{RuleBadRateMax, "bad_rate", "差评率", OpLT, false, (*Totals).BadRate},
	{RuleFCRMin, "fcr", "首次解决率", OpGE, false, (*Totals).FCR},
	{RuleConversionMin, "conversion", "询单转化率", OpGE, false, (*Totals).Conversion},
	{RuleReply3mMin, "reply3m", "3分钟回复率", OpGE, false, (*Totals).Reply3m},
	{RuleReplyRateMin, "reply_rate", "回复率", OpGE, false, (*Totals).ReplyRate},
	{RuleRefundRateMax, "refund_rate", "退款率", OpLE, false, (*Totals).RefundRate},
}

func ruleByName(name string) (*ruleDef, bool) {
	for i := range ruleDefs {
		if ruleDefs[i].name == name {
			return &ruleDefs[i], true
		}
	}
	return nil, false
}

// RuleNames lists the rule names, in display order.
func RuleNames() []string {
	out := make([]string, len(ruleDefs))
	for i, d := range ruleDefs {
		out[i] = d.name
	}
	return out
}

// DefaultTargets returns the practitioners' defaults from domain.md. Rates are
// fractions (0.90 is 90%), times are seconds.
func DefaultTargets() config.Targets {
	return config.Targets{
		LevelAgent: {
			RuleFirstResponseMax: 20,
			RuleSatisfactionMin:  0.90,
			RuleBadRateMax:       0.03,
			RuleFCRMin:           0.80,
		},
		LevelSenior: {
			RuleSatisfactionMin: 0.95,
			RuleBadRateMax:      0.02,
			RuleConversionMin:   0.25,
		},
		LevelTeam: {
			RuleFirstResponseMax: 15,
			RuleSatisfactionMin:  0.92,
		},
	}
}

// ValidateTargets checks level and rule names and value ranges; the error
// names the offending key, e.g. "targets.agent.satisfaction_min".
func ValidateTargets(t config.Targets) error {
	levels := make([]string, 0, len(t))
	for l := range t {
		levels = append(levels, l)
	}
	sort.Strings(levels)
	for _, level := range levels {
		if level != LevelAgent && level != LevelSenior && level != LevelTeam {
			return fmt.Errorf("targets.%s：未知的级别，可用的有 agent、senior、team", level)
		}
		names := make([]string, 0, len(t[level]))
		for n := range t[level] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			v := t[level][name]
			key := "targets." + level + "." + name
			d, ok := ruleByName(name)
			if !ok {
				return fmt.Errorf("%s：未知的目标名称，可用的有 %s", key, strings.Join(RuleNames(), "、"))
			}
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
				return fmt.Errorf("%s：目标值 %v 无效", key, v)
			case d.seconds && v > 86400:
				return fmt.Errorf("%s：目标值 %v 秒过大", key, v)
			case !d.seconds && v > 1:
				return fmt.Errorf("%s：目标值 %v 超出范围，比率请写成 0 到 1 之间的小数（例如 90%% 写成 0.9）", key, v)
			}
		}
	}
	return nil
}

// RulesFor returns the rules that apply to a level. A level configured in t
// replaces that level's defaults as a whole (leave a rule out to drop it); a
// level missing from t uses DefaultTargets. The senior level inherits every
// agent rule it does not set itself (a senior's first response target is the
// agent's 20 s). A nil t means all defaults.
func RulesFor(t config.Targets, level string) map[string]float64 {
	def := DefaultTargets()
	get := func(l string) map[string]float64 {
		if r, ok := t[l]; ok {
			return r
		}
		return def[l]
	}
	out := map[string]float64{}
	if level == LevelSenior {
		for k, v := range get(LevelAgent) {
			out[k] = v
		}
	}
	for k, v := range get(level) {
		out[k] = v
	}
	return out
}

// Check is one target checked against an aggregate.
type Check struct {
	Rule   string  // e.g. "satisfaction_min"
	Metric string  // e.g. "satisfaction"
	Label  string  // e.g. "满意率"
	Value  float64 // the aggregate's figure (fraction or seconds)
	Target float64
	Op     string // "<=", "<" or ">="
	OK     bool   // the target holds; false when NoData
	NoData bool   // the aggregate has no figure for this metric
}

// String renders the check in Chinese, e.g. "满意率 91.6%（目标 ≥ 90%）✓".
func (c Check) String() string {
	d, _ := ruleByName(c.Rule)
	f := func(v float64) string {
		if d != nil && d.seconds {
			return fmt.Sprintf("%.1f 秒", v)
		}
		return fmt.Sprintf("%.1f%%", v*100)
	}
	op := map[string]string{OpLE: "≤", OpLT: "<", OpGE: "≥"}[c.Op]
	if c.NoData {
		return fmt.Sprintf("%s 无数据（目标 %s %s）", c.Label, op, f(c.Target))
	}
	mark := "✓"
	if !c.OK {
		mark = "✗"
	}
	return fmt.Sprintf("%s %s（目标 %s %s）%s", c.Label, f(c.Value), op, f(c.Target), mark)
}

// Evaluate checks every rule against agg, in display order. Unknown rule names
// are ignored (ValidateTargets reports them).
func Evaluate(agg *Totals, rules map[string]float64) []Check {
	var out []Check
	for i := range ruleDefs {
		d := &ruleDefs[i]
		target, ok := rules[d.name]
		if !ok {
			continue
		}
		c := Check{Rule: d.name, Metric: d.metric, Label: d.label, Target: target, Op: d.op}
		v, has := d.get(agg)
		if !has {
			c.NoData = true
		} else {
			c.Value = v
			switch d.op {
			case OpLE:
				c.OK = v <= target+1e-9
			case OpLT:
				c.OK = v < target
			case OpGE:
				c.OK = v >= target-1e-9
			}
		}
		out = append(out, c)
	}
	return out
}

// Meets reports whether a period meets KPI: every check that has data holds,
// and at least one check has data. A target without data (the exports carry
// no such figure) neither passes nor fails the month; a month with no data
// for any target does not meet KPI.
func Meets(checks []Check) bool {
	withData := 0
	for _, c := range checks {
		if c.NoData {
			continue
		}
		withData++
		if !c.OK {
			return false
		}
	}
	return withData > 0
}

// TeamTargets returns a team's targets in full: the global targets with the
// levels the team sets replaced, the defaults for levels neither sets, and
// the rules of metrics the team is not judged on (teams[].metrics) left
// out. Every level is present, so RulesFor reads it as it is.
func TeamTargets(global config.Targets, team config.Team) config.Targets {
	merged := team.TargetsFor(global)
	out := config.Targets{}
	for _, level := range []string{LevelAgent, LevelSenior, LevelTeam} {
		rules := map[string]float64{}
		for name, v := range RulesFor(merged, level) {
			if team.Judges(config.RuleMetric(name)) {
				rules[name] = v
			}
		}
		out[level] = rules
	}
	return out
}

// TeamWeights returns the composite score weights of a team: those of the
// metrics it is judged on (served always counts: it is the volume).
func TeamWeights(weights map[string]float64, team config.Team) map[string]float64 {
	if len(team.Metrics) == 0 || weights == nil {
		return weights
	}
	out := map[string]float64{}
	for k, v := range weights {
		if k == "served" || team.Judges(k) {
			out[k] = v
		}
	}
	return out
}
