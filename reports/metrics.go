package reports

import (
	"github.com/banzu-bot/banzu/kpi"
)

// metric is one KPI figure as a report column.
type metric struct {
	title string
	kind  kind
	get   func(*kpi.Totals) (float64, bool)
	rule  string // the target rule that checks this figure, if any
}

// metrics are the KPI columns, in display order.
var metrics = []metric{
	{"接待人数", kCount, (*kpi.Totals).ServedCount, ""},
	{"询单人数", kCount, (*kpi.Totals).InquiryCount, ""},
	{"付款人数", kCount, (*kpi.Totals).PaidCount, ""},
	{"询单转化率", kPct, (*kpi.Totals).Conversion, kpi.RuleConversionMin},
	{"销售额", kMoney, (*kpi.Totals).Sales, ""},
	{"客单价", kMoney, (*kpi.Totals).AOV, ""},
	{"评价数", kCount, (*kpi.Totals).RatingCount, ""},
	{"满意率", kPct, (*kpi.Totals).Satisfaction, kpi.RuleSatisfactionMin},
	{"差评率", kPct, (*kpi.Totals).BadRate, kpi.RuleBadRateMax},
	{"首次响应时间", kSec, (*kpi.Totals).FirstResp, kpi.RuleFirstResponseMax},
	{"平均响应时间", kSec, (*kpi.Totals).AvgResp, kpi.RuleAvgResponseMax},
	{"回复率", kPct, (*kpi.Totals).ReplyRate, kpi.RuleReplyRateMin},
	{"3分钟回复率", kPct, (*kpi.Totals).Reply3m, kpi.RuleReply3mMin},
	{"首次解决率", kPct, (*kpi.Totals).FCR, kpi.RuleFCRMin},
	{"退款率", kPct, (*kpi.Totals).RefundRate, kpi.RuleRefundRateMax},
	{"挽单数", kCount, (*kpi.Totals).RecoveredCount, ""},
}

// metricWidth is the column width of a metric.
func metricWidth(m metric) float64 {
	if m.kind == kMoney {
		return 14
	}
	return 12
}

// checksByRule indexes a period's checks by rule name.
func checksByRule(checks []kpi.Check) map[string]kpi.Check {
	out := make(map[string]kpi.Check, len(checks))
	for _, c := range checks {
		out[c.Rule] = c
	}
	return out
}

// missed reports whether m has a target in checks that does not hold.
func missed(m metric, checks map[string]kpi.Check) bool {
	if m.rule == "" {
		return false
	}
	c, ok := checks[m.rule]
	return ok && !c.NoData && !c.OK
}

// usedMetrics returns the metrics any of the totals has data for.
func usedMetrics(totals ...*kpi.Totals) []metric {
	var out []metric
	for _, m := range metrics {
		for _, t := range totals {
			if _, ok := m.get(t); ok {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
