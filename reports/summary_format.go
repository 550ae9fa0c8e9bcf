package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/banzu-bot/banzu/kpi"
)

// chatFigure is one KPI chatFigure as chat summaries show it.
type chatFigure struct {
	metric  string // kpi rule metric name: satisfaction, first_response …
	label   string
	seconds bool
	get     func(*kpi.Totals) (float64, bool)
}

// chatFigures are the figures of chat summaries, in display order.
var chatFigures = []chatFigure{
	{"satisfaction", "满意率", false, (*kpi.Totals).Satisfaction},
	{"conversion", "询单转化率", false, (*kpi.Totals).Conversion},
	{"bad_rate", "差评率", false, (*kpi.Totals).BadRate},
	{"first_response", "首次响应", true, (*kpi.Totals).FirstResp},
	{"avg_response", "平均响应", true, (*kpi.Totals).AvgResp},
	{"fcr", "首次解决率", false, (*kpi.Totals).FCR},
	{"reply3m", "3分钟回复率", false, (*kpi.Totals).Reply3m},
}

func (f chatFigure) format(v float64) string {
	if f.seconds {
		return fmt.Sprintf("%.1f 秒", v)
	}
	return chatPct(v)
}

// delta renders the change from prev to v: percentage points for rates,
// seconds for times; "" when there is no previous chatFigure.
func (f chatFigure) delta(v, prev float64, hasPrev bool) string {
	if !hasPrev {
		return ""
	}
	d := v - prev
	if f.seconds {
		if math.Abs(d) < 0.05 {
			return "较前日持平"
		}
		return fmt.Sprintf("较前日%s%.1f 秒", chatArrow(d), math.Abs(d))
	}
	if math.Abs(d) < 0.0005 {
		return "较前日持平"
	}
	return fmt.Sprintf("较前日%s%.1f 个百分点", chatArrow(d), math.Abs(d)*100)
}

func chatArrow(d float64) string {
	if d > 0 {
		return "↑"
	}
	return "↓"
}

func chatPct(v float64) string { return fmt.Sprintf("%.1f%%", v*100) }

// opSign renders a check's operator.
func chatOp(op string) string {
	switch op {
	case kpi.OpLE:
		return "≤"
	case kpi.OpLT:
		return "<"
	}
	return "≥"
}

// targetText renders "目标 ≥ 90.0%".
func chatTarget(f chatFigure, c kpi.Check) string {
	return "目标 " + chatOp(c.Op) + " " + f.format(c.Target)
}

// figureFor finds the display chatFigure of a check's metric.
func chatFigureFor(metric string) (chatFigure, bool) {
	for _, f := range chatFigures {
		if f.metric == metric {
			return f, true
		}
	}
	return chatFigure{}, false
}

// checksByMetric indexes checks by their metric name.
func chatChecks(checks []kpi.Check) map[string]kpi.Check {
	m := make(map[string]kpi.Check, len(checks))
	for _, c := range checks {
		m[c.Metric] = c
	}
	return m
}

// count renders 12345 as "12,345".
func chatCount(v float64) string { return kpi.Thousands(v) }

// money renders yuan as "¥12,345" (no fen: chat summaries are glanced at).
func chatMoney(v float64) string { return "¥" + chatCount(v) }

// joinNames lists at most max entries and says how many more there are.
func chatJoin(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, "、")
	}
	return strings.Join(items[:max], "、") + fmt.Sprintf(" 等 %d 人", len(items))
}
