package handlers

import (
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
)

// awardText announces a hand-given award.
func (h *Awards) awardText(b *bot.Bot, e *awards.Entry, giver string) string {
	cfg := h.Svc.Cfg
	var sb strings.Builder
	name := nameOf(b, e.Member)
	switch e.Award {
	case awards.Gold:
		fmt.Fprintf(&sb, "🥇 **黄金勋章** 授予 **%s**！\n表彰：%s\n流程改进已被全公司采纳，这是服务之星勋章的最高荣誉。", name, e.Reason)
	case awards.Grievance:
		fmt.Fprintf(&sb, "🎉 **委屈奖** 颁给 **%s**！\n原因：%s\n面对委屈依然专业，辛苦了！奖励：荣誉证书 + 当月奖金翻倍。", name, e.Reason)
	case awards.Referral:
		fmt.Fprintf(&sb, "🎉 **伯乐奖** 颁给 **%s**！\n%s，奖金 %d 元。\n", name, e.Reason, cfg.ReferralBonus)
		if e.Due <= e.At.Format(period.Layout) {
			// The hire is already past the window: no reminder to wait for.
			fmt.Fprintf(&sb, "新人入职已满 %d 个月（%s），明早会提醒主管确认：%d 个月内已晋升的，再奖励 %d 元。",
				cfg.ReferralReminderMonths, e.Due, cfg.ReferralReminderMonths, cfg.ReferralPromotionBonus)
		} else {
			fmt.Fprintf(&sb, "%s 时会提醒主管确认：新人 %d 个月内晋升，再奖励 %d 元。",
				e.Due, cfg.ReferralReminderMonths, cfg.ReferralPromotionBonus)
		}
	}
	if e.Points != 0 {
		fmt.Fprintf(&sb, "\n积分 +%d", e.Points)
	}
	fmt.Fprintf(&sb, "\n颁奖人：%s · 编号 #%d（撤销：/revoke %d 原因）", giver, e.Seq, e.Seq)
	return sb.String()
}

// silverLine is the progress toward silver.
func silverLine(b *bot.Bot, p *awards.Progress) string {
	if p.Silver != nil {
		return fmt.Sprintf("🥈 白银：✅ 已获得（%s，#%d）", dateOf(p.Silver), p.Silver.Seq)
	}
	line := fmt.Sprintf("🥈 白银：已带出 %d/%d 名获得服务之星勋章的徒弟", len(p.StarMentees), p.SilverNeed)
	if len(p.Mentees) > 0 {
		var names []string
		star := map[string]bool{}
		for _, id := range p.StarMentees {
			star[id] = true
		}
		for _, id := range p.Mentees {
			n := nameOf(b, id)
			if star[id] {
				n += "✓"
			}
			names = append(names, n)
		}
		line += "（徒弟：" + strings.Join(names, "、") + "）"
	}
	return line
}

// badgesText answers /badges.
func badgesText(b *bot.Bot, name string, p *awards.Progress) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s 的勋章**\n", name)
	if p.Bronze != nil {
		fmt.Fprintf(&sb, "🥉 青铜：✅ 已获得（%s，#%d）\n", awards.MonthLabel(p.Bronze.Period), p.Bronze.Seq)
	} else {
		fmt.Fprintf(&sb, "🥉 青铜：已连续 %d/%d 个月达标（截至 %s）", p.Streak, p.BronzeMonths, awards.MonthLabel(p.StreakEnd))
		if left := p.BronzeMonths - p.Streak; left > 0 {
			fmt.Fprintf(&sb, "，再连续达标 %d 个月即可获得", left)
		}
		sb.WriteString("\n")
	}
	sb.WriteString(silverLine(b, p) + "\n")
	if p.Gold != nil {
		fmt.Fprintf(&sb, "🥇 黄金：✅ 已获得（%s，#%d）：%s\n", dateOf(p.Gold), p.Gold.Seq, p.Gold.Reason)
	} else {
		sb.WriteString("🥇 黄金：由经理授予，表彰被全公司采纳的流程改进\n")
	}
	if len(p.Titles) > 0 {
		var ts []string
		for _, e := range p.Titles {
			ts = append(ts, fmt.Sprintf("%s%s #%d", awards.MonthLabel(e.Period), e.Award, e.Seq))
		}
		fmt.Fprintf(&sb, "🏆 月度称号：%s\n", strings.Join(ts, "、"))
	}
	if len(p.Awards) > 0 {
		var as []string
		for _, e := range p.Awards {
			as = append(as, fmt.Sprintf("%s（%s）#%d", e.Award, dateOf(e), e.Seq))
		}
		fmt.Fprintf(&sb, "🎖 特别奖：%s\n", strings.Join(as, "、"))
	}
	if p.Thanks > 0 {
		fmt.Fprintf(&sb, "🙏 本月收到同事感谢 %d 次\n", p.Thanks)
	}
	return strings.TrimRight(sb.String(), "\n")
}

var boardTitles = map[string]string{
	awards.BoardKPI: "KPI 综合得分", awards.BoardQuiz: "答题积分", awards.BoardKnowledge: "知识贡献积分", awards.BoardPoints: "总积分",
}

// boardShown is how many places a leaderboard lists.
const boardShown = 10

// boardText answers /leaderboard.
func boardText(b *bot.Bot, scope, label string, board *awards.Board, me string, minPerDay int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s %s排行榜 · %s**\n", scope, boardTitles[board.Kind], label)
	if len(board.Places) == 0 {
		sb.WriteString("暂无数据。")
		switch board.Kind {
		case awards.BoardQuiz:
			sb.WriteString("参加微课堂答题即可获得积分。")
		case awards.BoardKnowledge:
			sb.WriteString("用 /submit 投稿知识，审核通过即可获得积分。")
		case awards.BoardKPI:
			sb.WriteString("这段时间还没有导入 KPI 数据。")
		}
		return sb.String()
	}
	value := func(p awards.Place) string {
		if board.Kind == awards.BoardKPI {
			return fmt.Sprintf("%.1f 分", p.Value)
		}
		return kpi.Thousands(p.Value) + " 分"
	}
	medals := []string{"🥇", "🥈", "🥉"}
	mine := -1
	for i, p := range board.Places {
		if p.Member == me {
			mine = i
		}
		if i >= boardShown {
			continue
		}
		mark := fmt.Sprintf("%d.", p.Rank)
		if p.Rank <= 3 {
			mark = medals[p.Rank-1]
		}
		fmt.Fprintf(&sb, "%s %s　%s\n", mark, nameOf(b, p.Member), value(p))
	}
	if mine >= boardShown {
		p := board.Places[mine]
		fmt.Fprintf(&sb, "……\n你的排名：第 %d 名（%s）\n", p.Rank, value(p))
	}
	if board.Kind == awards.BoardKPI {
		fmt.Fprintf(&sb, "综合得分按团队内相对表现计算（满分 100），日均接待不足 %d 人的不参与排名。", minPerDay)
	}
	return strings.TrimRight(sb.String(), "\n")
}
