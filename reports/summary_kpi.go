package reports

import (
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/kpi"
)

// Period is a labelled aggregate for /kpi.
type Period struct {
	Label  string      // 昨天（11月22日）, 本月至今（11月1日–22日）…
	Totals *kpi.Totals // nil or empty: no data
}

// AgentKPI renders one agent's periods against the targets of their level.
func AgentKPI(name, levelLabel string, rules map[string]float64, periods ...Period) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s 的 KPI**（%s目标）\n", name, levelLabel)
	for _, p := range periods {
		fmt.Fprintf(&b, "\n**%s**\n", p.Label)
		if p.Totals == nil || p.Totals.Records == 0 {
			b.WriteString("暂无数据\n")
			continue
		}
		b.WriteString(chatVolume(p.Totals) + "\n")
		checks := kpi.Evaluate(p.Totals, rules)
		b.WriteString(chatCheckLines(p.Totals, checks))
		if kpi.Meets(checks) {
			b.WriteString("🎯 全部达标，继续保持！\n")
		} else if n := chatMissed(checks); n > 0 {
			fmt.Fprintf(&b, "还有 %d 项未达标，加油！\n", n)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// TeamKPI renders a team's period against the team targets and ranks its
// agents by the composite score.
func TeamKPI(teamName, label string, rep *kpi.Report, rules map[string]float64, weights map[string]float64, people People) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s · %s**\n", teamName, label)
	if rep == nil || rep.Total.Records == 0 {
		b.WriteString("暂无数据：请先导入这段时间的绩效报表。")
		return b.String()
	}
	fmt.Fprintf(&b, "%s（%d 人·天）\n", chatVolume(&rep.Total), rep.Total.Records)
	b.WriteString(chatCheckLines(&rep.Total, kpi.Evaluate(&rep.Total, rules)))
	scores := kpi.Scores(rep, weights, minStarServed)
	if len(scores) > 0 {
		b.WriteString("\n**客服排名**（综合分）\n")
		for i, s := range scores {
			fmt.Fprintf(&b, "%d. %s %.0f 分 · %s\n", i+1, people.Name(s.Agent), s.Score, chatStrengths(rep.Agents[s.Agent]))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// chatVolume is "接待 80 人 · 销售额 ¥3,456".
func chatVolume(t *kpi.Totals) string {
	var parts []string
	if v, ok := t.ServedCount(); ok {
		parts = append(parts, "接待 "+chatCount(v)+" 人")
	}
	if v, ok := t.Sales(); ok {
		parts = append(parts, "销售额 "+chatMoney(v))
	}
	if len(parts) == 0 {
		return "（没有接待量和销售额）"
	}
	return strings.Join(parts, " · ")
}

// chatCheckLines lists every figure present, marked against its target.
func chatCheckLines(t *kpi.Totals, checks []kpi.Check) string {
	byMetric := chatChecks(checks)
	var b strings.Builder
	for _, f := range chatFigures {
		v, ok := f.get(t)
		if !ok {
			continue
		}
		if c, ok := byMetric[f.metric]; ok && !c.NoData {
			mark := "✅"
			if !c.OK {
				mark = "⚠️"
			}
			fmt.Fprintf(&b, "%s %s %s（%s）\n", mark, f.label, f.format(v), chatTarget(f, c))
			continue
		}
		fmt.Fprintf(&b, "· %s %s\n", f.label, f.format(v))
	}
	return b.String()
}

func chatMissed(checks []kpi.Check) int {
	n := 0
	for _, c := range checks {
		if !c.NoData && !c.OK {
			n++
		}
	}
	return n
}
