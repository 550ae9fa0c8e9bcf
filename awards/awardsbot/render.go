package awardsbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/growth"
)

// Rendering and roster helpers the jobs and handlers' commands share.

// titleIcons decorate the ceremony post.
var titleIcons = map[string]string{
	"服务之星": "🌟", "转化之星": "💰", "挽单能手": "🛟", "客户满意奖": "😊",
	"服务速度王": "⚡", "问题终结者": "🎯", "知识贡献王": "📚", "响应之星": "⚡", "首解之星": "🎯",
}

var badgeIcons = map[string]string{awards.Bronze: "🥉", awards.Silver: "🥈", awards.Gold: "🥇"}

// DateOf is an entry's day, "2026-11-05"; "" for nil.
func DateOf(e *awards.Entry) string {
	if e == nil {
		return ""
	}
	return e.At.Format("2006-01-02")
}

// NameOf is a member's name, or id when the roster does not know them.
func NameOf(b *bot.Bot, id string) string {
	if m := b.Directory.Member(id); m != nil {
		return m.Name
	}
	return id
}

// Member is m as the recognition service sees them.
func Member(m *bot.Member) awards.Member {
	return awards.Member{ID: m.ID, Level: m.Level, Mentor: m.Config.Mentor, HireDate: m.Config.HireDate}
}

// Roster lists a team's members for recognition (everyone: a senior who
// mentors may be listed with any role).
func Roster(t *bot.Team) []awards.Member {
	out := make([]awards.Member, 0, len(t.Members))
	for _, m := range t.Members {
		out = append(out, Member(m))
	}
	return out
}

// Agents lists the team's agents: who may win titles and bronze.
func Agents(b *bot.Bot, t *bot.Team) []awards.Member {
	var out []awards.Member
	for _, m := range t.Members {
		if b.Directory.RoleOf(m) == bot.RoleAgent {
			out = append(out, Member(m))
		}
	}
	return out
}

// AgentsAt is Agents with each one's level as it was at t: a promotion
// after t does not change how the time before it is judged.
func AgentsAt(ctx context.Context, b *bot.Bot, t *bot.Team, at time.Time) ([]awards.Member, error) {
	h, err := growth.LoadHistory(ctx, b.Store)
	if err != nil {
		return nil, err
	}
	out := Agents(b, t)
	for i := range out {
		out[i].Level = h.At(out[i].ID, out[i].Level, at)
	}
	return out, nil
}

// ceremonyText is the festive monthly post.
func ceremonyText(b *bot.Bot, teamName string, c *awards.Ceremony, cfg config.Awards) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "🎉 **%s %s 月度荣誉榜** 🎉\n感谢大家一个月的付出，恭喜以下伙伴！\n", teamName, c.Label)
	for _, t := range c.Titles {
		icon := titleIcons[t.Title.Name]
		if icon == "" {
			icon = "🏆"
		}
		if len(t.Winners) == 0 {
			fmt.Fprintf(&sb, "\n%s **%s**：本月空缺（%s）\n", icon, t.Title.Name, vacancyNote(t, cfg))
			continue
		}
		var names []string
		for _, w := range t.Winners {
			names = append(names, NameOf(b, w.Member))
		}
		tie := ""
		if len(t.Winners) > 1 {
			tie = "（并列）"
		}
		fmt.Fprintf(&sb, "\n%s **%s**：%s%s\n", icon, t.Title.Name, strings.Join(names, "、"), tie)
		for _, w := range t.Winners {
			prefix := ""
			if len(t.Winners) > 1 {
				prefix = NameOf(b, w.Member) + "："
			}
			fmt.Fprintf(&sb, "　%s%s\n", prefix, w.Figures)
		}
	}
	if len(c.Badges) > 0 {
		sb.WriteString("\n🏅 **新获服务之星勋章**\n")
		for _, e := range c.Badges {
			fmt.Fprintf(&sb, "- %s %s：%s（%s）\n", badgeIcons[e.Award], e.Label(), NameOf(b, e.Member), e.Figures)
		}
	}
	if len(c.NearBronze) > 0 {
		var names []string
		for _, n := range c.NearBronze {
			names = append(names, NameOf(b, n.Member))
		}
		fmt.Fprintf(&sb, "\n⏳ **离青铜勋章只差一个月**：%s（已连续 %d 个月 KPI 达标），下个月继续加油！\n", strings.Join(names, "、"), cfg.BronzeMonths-1)
	}
	rule := "KPI 称号须达到本人该项目标"
	if cfg.MaxTitlesPerPerson > 0 {
		rule = fmt.Sprintf("每人每月至多 %d 项称号，", cfg.MaxTitlesPerPerson) + rule
	}
	sb.WriteString("\n" + rule + "。积分已到账。发送 /badges 查看自己的勋章进度，/leaderboard 查看排行榜。")
	return sb.String()
}

// vacancyNote explains why nobody won a title.
func vacancyNote(ct awards.CeremonyTitle, cfg config.Awards) string {
	t := ct.Title
	if ct.Contenders > 0 {
		var why []string
		if ct.OffTarget > 0 {
			why = append(why, fmt.Sprintf("%d 人未达到本人的%s目标", ct.OffTarget, config.MetricLabels[t.Metric]))
		}
		if ct.Holders > 0 {
			why = append(why, fmt.Sprintf("%d 人已获得其他称号（每人每月至多 %d 项）", ct.Holders, cfg.MaxTitlesPerPerson))
		}
		if len(why) > 0 {
			return "达到门槛的 " + fmt.Sprint(ct.Contenders) + " 人中，" + strings.Join(why, "，")
		}
	}
	switch t.Metric {
	case "knowledge":
		return "本月没有审核通过的知识投稿"
	case "recovered":
		return fmt.Sprintf("本月没有挽单数据，或无人达到接待 %.0f 人、出勤 %d 天的门槛", t.MinVolume, cfg.MinDays)
	}
	unit := map[string]string{"conversion": "人", "satisfaction": "条", "fcr": "次"}[t.Metric]
	if unit == "" {
		unit = "人"
	}
	return fmt.Sprintf("无人达到%s %.0f %s、出勤 %d 天的门槛", awards.VolumeLabel(t.Metric), t.MinVolume, unit, cfg.MinDays)
}
