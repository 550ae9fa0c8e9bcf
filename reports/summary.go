package reports

import (
	"fmt"
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
	// PublicMisses names who missed which target in the group post (a
	// team's opt-in); otherwise only the supervisors read the names.
	PublicMisses bool
	// Months are the last three months, oldest first, the current one to
	// date: each person's trend in the supervisors' message. May be empty.
	Months []MonthReport
}

// MonthReport is one month's KPI for a trend.
type MonthReport struct {
	Label  string // e.g. "10月"
	Report *kpi.Report
}

// maxNamesPerLine bounds the agents listed per missed target.
const maxNamesPerLine = 6

// MaxSummaryLines bounds the group's morning post: it is glanced at in a
// busy group, and the detail belongs to the people concerned.
const MaxSummaryLines = 12

// minStarServed is the volume a daily star needs.
const minStarServed = 10

var chatWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// DailySummary renders the morning post for the group in markdown, at most
// MaxSummaryLines lines: the team against its targets, the top three and
// the day's star, and the month to date. Nobody is named for a miss unless
// the team opted in (PublicMisses); SupervisorMisses is the detail.
func DailySummary(in Daily) string {
	var b strings.Builder
	day := &in.Day.Total
	fmt.Fprintf(&b, "**📊 %s 昨日战报 · %d月%d日 %s**\n", in.TeamName, int(in.Date.Month()), in.Date.Day(), chatWeekdays[in.Date.Weekday()])
	b.WriteString(chatHeadline(day, &in.Prev.Total))
	b.WriteString("\n\n")
	teamChecks := chatChecks(kpi.Evaluate(day, kpi.RulesFor(in.Targets, kpi.LevelTeam)))
	var missed, met, other []string
	for _, f := range chatFigures {
		v, ok := f.get(day)
		if !ok {
			continue
		}
		line := f.label + " " + f.format(v)
		c, checked := teamChecks[f.metric]
		switch {
		case checked && !c.NoData && !c.OK:
			prev, hasPrev := f.get(&in.Prev.Total)
			notes := []string{chatTarget(f, c)}
			if d := f.delta(v, prev, hasPrev); d != "" {
				notes = append(notes, d)
			}
			missed = append(missed, line+"（"+strings.Join(notes, "，")+"）")
		case checked && !c.NoData:
			met = append(met, line+"（"+chatTarget(f, c)+"）")
		default:
			other = append(other, line)
		}
	}
	if len(missed) > 0 {
		b.WriteString("⚠️ 未达标：" + strings.Join(missed, "；") + "\n")
	}
	if len(met) > 0 {
		b.WriteString("✅ 达标：" + strings.Join(met, "；") + "\n")
	}
	if len(other) > 0 {
		b.WriteString("· " + strings.Join(other, " · ") + "\n")
	}

	scores := kpi.Scores(in.Day, in.Weights, minStarServed)
	if len(scores) > 0 {
		medals := []string{"🥇", "🥈", "🥉"}
		var top []string
		for i, s := range scores[:min(3, len(scores))] {
			top = append(top, fmt.Sprintf("%s %s %.0f 分", medals[i], in.People.Name(s.Agent), s.Score))
		}
		b.WriteString("\n**🏆 昨日前三**：" + strings.Join(top, " · ") + "\n")
		star := scores[0]
		fmt.Fprintf(&b, "**⭐ 今日之星：%s**，%s，大家为 TA 点赞！\n", in.People.Name(star.Agent), chatStrengths(in.Day.Agents[star.Agent]))
	}

	if in.PublicMisses {
		if misses := chatMissNames(in); len(misses) > 0 {
			b.WriteString("**💪 还差一点**：" + strings.Join(misses, "；") + "\n")
		}
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
