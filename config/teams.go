package config

import (
	"fmt"
	"slices"
	"strings"
)

// KPIMetrics are the figures a team may be judged on (teams[].metrics). A
// target rule names its metric with a _min or _max suffix
// (conversion_min judges conversion).
var KPIMetrics = []string{"served", "first_response", "avg_response", "satisfaction", "bad_rate", "fcr",
	"conversion", "reply3m", "reply_rate", "refund_rate", "recovered"}

// MetricLabels name the metrics in Chinese, for errors and messages.
var MetricLabels = map[string]string{
	"served": "接待人数", "first_response": "首次响应时间", "avg_response": "平均响应时间", "satisfaction": "满意率",
	"bad_rate": "差评率", "fcr": "首次解决率", "conversion": "询单转化率", "reply3m": "3分钟回复率",
	"reply_rate": "回复率", "refund_rate": "退款率", "recovered": "挽回订单",
}

// RuleMetric is the metric a target rule checks: "conversion_min" ->
// "conversion".
func RuleMetric(rule string) string {
	for _, s := range []string{"_min", "_max"} {
		if m, ok := strings.CutSuffix(rule, s); ok {
			return m
		}
	}
	return rule
}

// TitleMetric is the KPI metric a monthly title's metric needs in a team's
// metric set ("" for composite and knowledge, which every team has).
func TitleMetric(metric string) string {
	switch metric {
	case "composite", "knowledge":
		return ""
	}
	return metric
}

// Judges reports whether the team is judged on metric: always when the team
// sets no metrics.
func (t Team) Judges(metric string) bool {
	return metric == "" || len(t.Metrics) == 0 || slices.Contains(t.Metrics, metric)
}

// TargetsFor returns the team's targets: the global ones with each level the
// team sets replaced as a whole (like targets replaces the defaults), rules
// of metrics the team is not judged on left out. Levels neither sets are
// absent (the KPI defaults apply, filtered the same way by the caller:
// kpi.TeamTargets fills them in).
func (t Team) TargetsFor(global Targets) Targets {
	out := Targets{}
	for l, r := range global {
		out[l] = r
	}
	for l, r := range t.Targets {
		out[l] = r
	}
	return out
}

// TitlesFor returns the monthly titles of a team: its own, or the global
// ones it is judged on (a team without conversion gets no 转化之星).
func (a Awards) TitlesFor(t Team) []AwardTitle {
	if len(t.Titles) > 0 {
		return t.Titles
	}
	var out []AwardTitle
	for _, at := range a.Titles {
		if t.Judges(TitleMetric(at.Metric)) {
			out = append(out, at)
		}
	}
	return out
}

// validateTeamJudging checks a team's metrics, targets and titles.
func (c *Config) validateTeamJudging(key string, t Team, bad func(key, format string, args ...any)) {
	for j, m := range t.Metrics {
		if !oneOf(m, KPIMetrics...) {
			bad(fmt.Sprintf("%s.metrics[%d]", key, j), "未知的指标 %q，可用的有 %s", m, strings.Join(KPIMetrics, "、"))
		}
	}
	for level, rules := range t.Targets {
		lkey := key + ".targets." + level
		if !oneOf(level, "agent", "senior", "team") {
			bad(lkey, "级别应为 agent、senior 或 team")
		}
		for rule, v := range rules {
			rkey := lkey + "." + rule
			m := RuleMetric(rule)
			switch {
			case m == rule || !oneOf(m, KPIMetrics...) || m == "served" || m == "recovered":
				bad(rkey, "未知的目标名称（应为 指标_min 或 指标_max，如 satisfaction_min、first_response_max）")
			case !t.Judges(m):
				bad(rkey, "团队不考核%s（不在 %s.metrics 中），不能设这个目标", MetricLabels[m], key)
			case strings.HasSuffix(rule, "_response_max"):
				if v <= 0 || v > 3600 {
					bad(rkey, "应为 0 到 3600 之间的秒数，得到 %g", v)
				}
			case v < 0 || v > 1:
				bad(rkey, "比例应写成 0 到 1 之间的小数（90%% 写 0.9），得到 %g", v)
			}
		}
	}
	names := map[string]bool{}
	for j, at := range t.Titles {
		tkey := fmt.Sprintf("%s.titles[%d]", key, j)
		if strings.TrimSpace(at.Name) == "" {
			bad(tkey+".name", "不能为空")
		} else if names[at.Name] {
			bad(tkey+".name", "称号 %q 重复", at.Name)
		} else if slices.Contains(ContestTitles, at.Name) {
			bad(tkey+".name", "%q 是季度技能大练兵的称号，月度称号请换一个名字", at.Name)
		}
		names[at.Name] = true
		switch {
		case !oneOf(at.Metric, AwardMetrics...):
			bad(tkey+".metric", "应为 %s 之一，得到 %q", strings.Join(AwardMetrics, "、"), at.Metric)
		case !t.Judges(TitleMetric(at.Metric)):
			bad(tkey+".metric", "团队不考核%s（不在 %s.metrics 中），不能设这个称号", MetricLabels[at.Metric], key)
		}
		if at.MinVolume < 0 {
			bad(tkey+".min_volume", "不能为负数")
		}
		if at.Points < 0 {
			bad(tkey+".points", "不能为负数")
		}
	}
}
