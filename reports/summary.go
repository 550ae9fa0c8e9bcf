package reports

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
)

// People tells chat summaries who an agent is.
type People interface {
	Name(memberID string) string  // display name; the id when unknown
	Level(memberID string) string // kpi.LevelAgent or kpi.LevelSenior
}

// Daily is what the morning summary is made of.
type Daily struct {
	TeamName string
	Date     time.Time   // the day summarised (yesterday)
	Day      *kpi.Report // the day
	Prev     *kpi.Report // the day before; may be empty
	MTD      *kpi.Report // month to date
	MTDLabel string      // e.g. "11月1日–22日"
	Targets  config.Targets
	Weights  map[string]float64 // daily-star weights
	People   People
}

// maxNamesPerLine bounds the agents listed per missed target.
const maxNamesPerLine = 6

// minStarServed is the volume a daily star needs.
const minStarServed = 10

var chatWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// DailySummary renders the morning summary in markdown: the team against its
// targets with the change from the day before, the top three, the day's
// star, who is below target on what, and the month to date.
func DailySummary(in Daily) string {
	var b strings.Builder
	day := &in.Day.Total
	fmt.Fprintf(&b, "**📊 %s 昨日战报 · %d月%d日 %s**\n\n", in.TeamName, int(in.Date.Month()), in.Date.Day(), chatWeekdays[in.Date.Weekday()])
	b.WriteString(chatHeadline(day, &in.Prev.Total))
	b.WriteString("\n\n**团队指标**\n")
	teamChecks := chatChecks(kpi.Evaluate(day, kpi.RulesFor(in.Targets, kpi.LevelTeam)))
	for _, f := range chatFigures {
		v, ok := f.get(day)
		if !ok {
			continue
		}
		prev, hasPrev := f.get(&in.Prev.Total)
		line := f.label + " " + f.format(v)
		var notes []string
		mark := "·"
		if c, ok := teamChecks[f.metric]; ok && !c.NoData {
			mark = "✅"
			if !c.OK {
				mark = "⚠️"
			}
			notes = append(notes, chatTarget(f, c))
		}
		if d := f.delta(v, prev, hasPrev); d != "" {
			notes = append(notes, d)
		}
		if len(notes) > 0 {
			line += "（" + strings.Join(notes, "，") + "）"
		}
		fmt.Fprintf(&b, "%s %s\n", mark, line)
	}

	scores := kpi.Scores(in.Day, in.Weights, minStarServed)
	if len(scores) > 0 {
		b.WriteString("\n**🏆 昨日前三**\n")
		for i, s := range scores[:min(3, len(scores))] {
			fmt.Fprintf(&b, "%d. %s %.0f 分（%s）\n", i+1, in.People.Name(s.Agent), s.Score, chatStrengths(in.Day.Agents[s.Agent]))
		}
		star := scores[0]
		fmt.Fprintf(&b, "\n**⭐ 今日之星：%s**，%s，大家为 TA 点赞！\n", in.People.Name(star.Agent), chatStrengths(in.Day.Agents[star.Agent]))
	}

	if misses := chatBelowTarget(in); len(misses) > 0 {
		b.WriteString("\n**💪 还差一点**\n")
		for _, m := range misses {
			b.WriteString("· " + m + "\n")
		}
		b.WriteString("今天一起把这几项拉上来，有困难随时找主管复盘。\n")
	}

	if in.MTD != nil && in.MTD.Total.Records > 0 {
		fmt.Fprintf(&b, "\n**📅 本月至今（%s）** %s\n", in.MTDLabel, chatCompactLine(&in.MTD.Total, kpi.RulesFor(in.Targets, kpi.LevelTeam)))
	}
	return strings.TrimRight(b.String(), "\n")
}

// headline is the volume line: customers served and sales, with change.
func chatHeadline(day, prev *kpi.Totals) string {
	var parts []string
	if v, ok := day.ServedCount(); ok {
		parts = append(parts, "接待 **"+chatCount(v)+"** 人"+chatRelChange(v, prev.ServedCount))
	}
	if v, ok := day.Sales(); ok {
		parts = append(parts, "销售额 **"+chatMoney(v)+"**"+chatRelChange(v, prev.Sales))
	}
	if len(parts) == 0 {
		return "（导出文件里没有接待量和销售额）"
	}
	return strings.Join(parts, " · ")
}

func chatRelChange(v float64, prev func() (float64, bool)) string {
	p, ok := prev()
	if !ok || p == 0 {
		return ""
	}
	return fmt.Sprintf("（较前日%s%.1f%%）", chatArrow(v-p), chatAbs(v-p)/p*100)
}

func chatAbs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// strengths names an agent's best figures for a pat on the back.
func chatStrengths(t *kpi.Totals) string {
	var parts []string
	if v, ok := t.Satisfaction(); ok {
		parts = append(parts, "满意率 "+chatPct(v))
	}
	if v, ok := t.Conversion(); ok {
		parts = append(parts, "转化率 "+chatPct(v))
	}
	if v, ok := t.FirstResp(); ok {
		parts = append(parts, fmt.Sprintf("首响 %.1f 秒", v))
	}
	if v, ok := t.ServedCount(); ok {
		parts = append(parts, "接待 "+chatCount(v)+" 人")
	}
	return strings.Join(parts, "，")
}

// belowTarget lists, per missed target, the agents below it and their
// figures, worst first.
func chatBelowTarget(in Daily) []string {
	type miss struct {
		name string
		gap  float64
		text string
	}
	byRule := map[string][]miss{}
	heads := map[string]string{}
	var order []string
	for _, id := range in.Day.AgentIDs() {
		rules := kpi.RulesFor(in.Targets, in.People.Level(id))
		for _, c := range kpi.Evaluate(in.Day.Agents[id], rules) {
			if c.OK || c.NoData {
				continue
			}
			f, ok := chatFigureFor(c.Metric)
			if !ok {
				continue
			}
			key := c.Rule + "|" + f.format(c.Target)
			if _, seen := heads[key]; !seen {
				heads[key] = f.label + "（" + chatTarget(f, c) + "）"
				order = append(order, key)
			}
			byRule[key] = append(byRule[key], miss{in.People.Name(id), chatAbs(c.Value - c.Target), in.People.Name(id) + " " + f.format(c.Value)})
		}
	}
	// Rules in display order, then by target.
	rank := map[string]int{}
	for i, n := range kpi.RuleNames() {
		rank[n] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		ri, _, _ := strings.Cut(order[i], "|")
		rj, _, _ := strings.Cut(order[j], "|")
		if rank[ri] != rank[rj] {
			return rank[ri] < rank[rj]
		}
		return order[i] < order[j]
	})
	var out []string
	for _, key := range order {
		ms := byRule[key]
		sort.SliceStable(ms, func(i, j int) bool {
			if ms[i].gap != ms[j].gap {
				return ms[i].gap > ms[j].gap
			}
			return ms[i].name < ms[j].name
		})
		texts := make([]string, len(ms))
		for i, m := range ms {
			texts[i] = m.text
		}
		out = append(out, heads[key]+"："+chatJoin(texts, maxNamesPerLine))
	}
	return out
}

// compactLine renders a period on one line: each chatFigure with ✅/⚠️ where a
// target applies.
func chatCompactLine(t *kpi.Totals, rules map[string]float64) string {
	checks := chatChecks(kpi.Evaluate(t, rules))
	var parts []string
	if v, ok := t.Sales(); ok {
		parts = append(parts, "销售额 "+chatMoney(v))
	}
	for _, f := range chatFigures[:4] {
		v, ok := f.get(t)
		if !ok {
			continue
		}
		s := f.label + " " + f.format(v)
		if c, ok := checks[f.metric]; ok && !c.NoData {
			if c.OK {
				s += " ✅"
			} else {
				s += " ⚠️"
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " · ")
}

// NoDataReminder asks the supervisor to import yesterday's exports.
func NoDataReminder(teamName string, date time.Time) string {
	return fmt.Sprintf("📥 %s 还没有 %d月%d日 的客服数据，今天的战报先不发。\n请导出昨天的绩效报表（赤兔/千牛、飞鸽、京东、拼多多、快手均可），"+
		"用 `banzu import kpi 文件 --team 团队` 或接口 POST /api/v1/kpi/import 导入，然后发送 /kpi team 查看。",
		teamName, int(date.Month()), date.Day())
}
