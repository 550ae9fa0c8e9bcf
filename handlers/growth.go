package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/growth/growthbot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/store"
)

// Growth is growing people in the chat: /level (a person's record against
// the criteria, and promotion), /path (an agent's own way on), /talk and
// /talks (one-to-ones). The monthly one-to-one reminder is in
// growth/growthbot.
type Growth struct {
	St        store.Store
	Cfg       config.Growth
	Targets   config.Targets
	Knowledge *knowledge.Service // optional: contributions
	Lessons   *lesson.Repo       // optional: quiz accuracy
	// Listeners hear of promotions (the 伯乐奖 follow-up).
	Listeners []growth.Listener
}

// Commands lists the growth commands.
func (g *Growth) Commands() []*bot.Command {
	return []*bot.Command{g.levelCmd(), g.pathCmd(), g.talkCmd(), g.talksCmd()}
}

// levelOf is a member's place on the path when the history has none: a
// manager or supervisor by role, else the configured KPI level.
func levelOf(dir *bot.Directory, m *bot.Member) string {
	switch r := dir.RoleOf(m); {
	case r >= bot.RoleManager:
		return growth.LevelManager
	case r == bot.RoleSupervisor:
		return growth.LevelSupervisor
	}
	if dir.LevelOf(m) == growth.LevelSenior {
		return growth.LevelSenior
	}
	return growth.LevelAgent
}

// record gathers what the criteria read of m in team: the KPI months up to
// last month, mentees, knowledge approved and lesson answers over the same
// months.
func (g *Growth) record(ctx context.Context, b *bot.Bot, t *bot.Team, m *bot.Member, now time.Time) (growth.Record, error) {
	var r growth.Record
	n := max(g.Cfg.Senior.MonthsOnTarget, 1)
	last := growthbot.LastMonth(now)
	months, err := awards.LoadMonths(ctx, kpi.NewRepo(g.St), t.ID, last.From, n)
	if err != nil {
		return r, err
	}
	level := b.Directory.LevelOf(m)
	r.MonthsOnTarget = months.Streak(awards.Member{ID: m.ID, Level: level}, g.Targets)
	if tot := months[0].Agents[m.ID]; tot != nil {
		r.Satisfaction, r.HasSatisfaction = tot.Satisfaction()
		r.BadRate, r.HasBadRate = tot.BadRate()
		r.Conversion, r.HasConversion = tot.Conversion()
	}
	st, err := awards.Load(ctx, g.St)
	if err != nil {
		return r, err
	}
	var roster []awards.Member
	for _, x := range t.Members {
		roster = append(roster, awards.Member{ID: x.ID, Mentor: x.Config.Mentor})
	}
	levels, err := growth.LoadHistory(ctx, g.St)
	if err != nil {
		return r, err
	}
	for _, id := range st.Mentees(m.ID, roster) {
		r.Mentees++
		// Last month at the level the mentee held then.
		if awards.MeetsMonth(months[0].Agents[id], g.Targets, levels.At(id, b.Directory.LevelOf(b.Directory.Member(id)), last.End())) {
			r.MenteesOnTarget++
		}
	}
	from := period.Month(last.From.AddDate(0, -(n - 1), 0)).From
	if g.Knowledge != nil {
		c, err := g.Knowledge.Contributions(ctx, t.ID, from, now)
		if err != nil {
			return r, err
		}
		r.Knowledge = c[m.ID]
	}
	if g.Lessons != nil {
		bank, err := g.Lessons.Bank(ctx)
		if err != nil {
			return r, err
		}
		ps, err := g.Lessons.Stats(ctx, t.ID, from, now, bank)
		if err != nil {
			return r, err
		}
		if ms := ps.Members[m.ID]; ms != nil {
			r.LessonAnswered, r.LessonCorrect = ms.Answered, ms.Correct
		}
	}
	return r, nil
}

// criteriaText renders the criteria for the level after current.
func (g *Growth) criteriaText(rec growth.Record, current string) string {
	var b strings.Builder
	switch current {
	case growth.LevelAgent:
		cs := growth.SeniorCriteria(rec, g.Cfg.Senior)
		fmt.Fprintf(&b, "晋升%s的条件（满足 %d/%d）：", growth.Label(growth.LevelSenior), growth.Met(cs), len(cs))
		for _, c := range cs {
			mark := "❌"
			switch {
			case c.Met:
				mark = "✅"
			case !c.Known:
				mark = "❔"
			}
			fmt.Fprintf(&b, "\n%s %s %s：%s", mark, c.Name, c.Need, c.Have)
		}
		b.WriteString("\n另需：每月至少一条被采纳的改进建议（主管确认）。")
	case growth.LevelSenior:
		cs := growth.SeniorCriteria(rec, g.Cfg.Senior)
		fmt.Fprintf(&b, "保持资深标准（满足 %d/%d）", growth.Met(cs), len(cs))
		for _, c := range cs {
			if !c.Met && c.Known {
				fmt.Fprintf(&b, "\n❌ %s %s：%s", c.Name, c.Need, c.Have)
			}
		}
		b.WriteString("\n晋升客服主管看带教和团队贡献：带出的新人全部达标；做主管后团队要做到平均响应 ≤ 15 秒、满意率 ≥ 92%、流失率 < 10%、跨部门问题解决率 ≥ 90%。")
	case growth.LevelSupervisor:
		b.WriteString("客服主管的团队目标：平均响应 ≤ 15 秒、满意率 ≥ 92%、流失率 < 10%、跨部门问题解决率 ≥ 90%。")
	default:
		b.WriteString("已是路径的最高一级。")
	}
	return b.String()
}

// tier is the training tier by tenure.
func tier(hireDate string, now time.Time) string {
	d, err := time.ParseInLocation(period.Layout, hireDate, now.Location())
	if err != nil {
		return ""
	}
	months := (now.Year()-d.Year())*12 + int(now.Month()) - int(d.Month())
	if now.Day() < d.Day() {
		months--
	}
	switch {
	case months < 3:
		return fmt.Sprintf("新手期（入职 %d 个月）：产品知识、基础话术、平台规则，多做模拟练习", max(months, 0))
	case months < 12:
		return fmt.Sprintf("成长期（入职 %d 个月）：转化技巧、异议处理、客户分层；案例复盘、角色扮演、一对一辅导", months)
	}
	return fmt.Sprintf("成熟期（入职 %d 个月）：复杂投诉、带教新人、流程改进", months)
}

func historyText(b *bot.Bot, cs []*growth.Change) string {
	if len(cs) == 0 {
		return ""
	}
	var sb strings.Builder
	sb.WriteString("职级记录：")
	for _, c := range cs {
		fmt.Fprintf(&sb, "\n- %s %s → %s（%s", c.At.In(b.Location()).Format(period.Layout), growth.Label(c.From), growth.Label(c.To), nameOf(b, c.By))
		if c.Reason != "" {
			sb.WriteString("：" + c.Reason)
		}
		sb.WriteString("）")
	}
	return sb.String()
}

// profile renders a member's level, record against the criteria and history.
func (g *Growth) profile(ctx context.Context, b *bot.Bot, t *bot.Team, m *bot.Member, now time.Time) (string, error) {
	h, err := growth.LoadHistory(ctx, g.St)
	if err != nil {
		return "", err
	}
	current := h.Current(m.ID, levelOf(b.Directory, m))
	rec, err := g.record(ctx, b, t, m, now)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s · %s**", m.Name, growth.Label(current))
	if m.Config.HireDate != "" {
		fmt.Fprintf(&sb, "（%s 入职）", m.Config.HireDate)
	}
	if next := growth.Next(current); next != "" {
		fmt.Fprintf(&sb, "\n成长路径：%s → **%s**", growth.Label(current), growth.Label(next))
	}
	if s := tier(m.Config.HireDate, now); s != "" {
		sb.WriteString("\n培训阶段：" + s)
	}
	sb.WriteString("\n\n" + g.criteriaText(rec, current))
	if s := historyText(b, h.Of(m.ID)); s != "" {
		sb.WriteString("\n\n" + s)
	}
	return sb.String(), nil
}

func (g *Growth) levelCmd() *bot.Command {
	return &bot.Command{
		Name: "level", Aliases: []string{"职级"},
		Summary: "查看成员的职级、晋升条件和职级记录；经理可调整职级（专员、资深、主管、经理）",
		Usage:   "/level @名字 [资深|主管|经理|专员] [原因]",
		Examples: []string{"/level @小王", "/level @小王 资深 连续三个月达标，带教小李达标",
			"/level @阿强 主管"},
		Role: bot.RoleSupervisor, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			m, team := req.FindMemberTeam(req.Args[0])
			if m == nil {
				return bot.Usagef("团队里没有找到 %s。", req.Args[0])
			}
			b := req.Bot()
			if len(req.Args) == 1 {
				text, err := g.profile(ctx, b, team, m, req.Now())
				if err != nil {
					return err
				}
				return replyPrivately(ctx, req, bot.Message{Markdown: text}, m.Name+" 的职级和成长记录")
			}
			to, ok := growth.ParseLevel(req.Args[1])
			if !ok {
				return bot.Usagef("不认识的职级“%s”，可用：专员、资深、主管、经理。", req.Args[1])
			}
			if req.Role < bot.RoleManager {
				return bot.Userf("调整职级仅限经理。你可以用 /level %s 查看 %s 的晋升条件。", m.Name, m.Name)
			}
			if m.ID == req.Member.ID {
				return bot.Userf("不能调整自己的职级，请联系其他经理。")
			}
			role := bot.RoleAgent
			switch to {
			case growth.LevelSupervisor:
				role = bot.RoleSupervisor
			case growth.LevelManager:
				role = bot.RoleManager
			}
			if role > req.Role {
				return bot.Userf("你不能授予比自己更高的角色（%s）。", role.Label())
			}
			reason := strings.TrimSpace(strings.Join(req.Args[2:], " "))
			now := req.Now()
			rec, err := g.record(ctx, b, team, m, now)
			if err != nil {
				return err
			}
			c, err := growth.Set(ctx, g.St, growth.Change{Member: m.ID, Team: team.ID, To: to, By: req.Member.ID, Reason: reason, At: now}, levelOf(b.Directory, m))
			if errors.Is(err, growth.ErrSameLevel) {
				// Put the roster in line with the history (a change whose
				// roster update failed before is completed now).
				h, err := growth.LoadHistory(ctx, g.St)
				if err != nil {
					return err
				}
				cur := h.Current(m.ID, levelOf(b.Directory, m))
				if err := syncLevel(ctx, b, m, cur); err != nil {
					return err
				}
				return bot.Userf("%s 已经是%s。", m.Name, growth.Label(cur))
			}
			if err != nil {
				return err
			}
			if err := syncLevel(ctx, b, m, to); err != nil {
				return err
			}
			b.Logger().Info("level changed", "member_id", m.ID, "from", c.From, "to", c.To, "by", req.Member.ID)
			var sb strings.Builder
			verb := "调整为"
			if c.Promotion() {
				verb = "晋升为"
			}
			fmt.Fprintf(&sb, "🎉 %s 由%s%s**%s**，已记入职级记录。", m.Name, growth.Label(c.From), verb, growth.Label(c.To))
			if reason != "" {
				sb.WriteString("\n原因：" + reason)
			}
			if c.From == growth.LevelAgent && c.To == growth.LevelSenior {
				cs := growth.SeniorCriteria(rec, g.Cfg.Senior)
				fmt.Fprintf(&sb, "\n晋升时满足资深条件 %d/%d。", growth.Met(cs), len(cs))
			}
			if c.Promotion() {
				p := growth.Promotion{Team: team.ID, Member: m.ID, From: c.From, To: c.To, By: req.Member.ID, HireDate: m.Config.HireDate, At: now}
				for _, l := range g.Listeners {
					line, err := l.Promoted(ctx, p)
					if err != nil {
						b.Logger().Warn("promotion listener failed", "member_id", m.ID, "error", err)
						continue
					}
					if line != "" {
						sb.WriteString("\n" + line)
					}
				}
			}
			return req.ReplyText(ctx, sb.String())
		},
	}
}

// syncLevel puts a member's KPI level and role in line with their level
// on the path: the KPI level is senior from 资深客服 up (a supervisor keeps
// the senior targets), the role follows at 主管 and above and goes back to
// 客服 below (an admin keeps theirs).
func syncLevel(ctx context.Context, b *bot.Bot, m *bot.Member, level string) error {
	kpiLevel, role := growth.LevelSenior, bot.RoleAgent
	switch level {
	case growth.LevelAgent:
		kpiLevel = growth.LevelAgent
	case growth.LevelSupervisor:
		role = bot.RoleSupervisor
	case growth.LevelManager:
		role = bot.RoleManager
	}
	if b.Directory.LevelOf(m) != kpiLevel {
		if err := b.Directory.SetLevel(ctx, m.ID, kpiLevel); err != nil {
			return err
		}
	}
	if cur := b.Directory.RoleOf(m); cur != role && cur != bot.RoleAdmin {
		return b.Directory.SetRole(ctx, m.ID, role)
	}
	return nil
}

func (g *Growth) pathCmd() *bot.Command {
	return &bot.Command{
		Name: "path", Aliases: []string{"成长"},
		Summary:  "查看自己的成长路径：当前职级、下一级的条件和进度（只私信给你）",
		Usage:    "/path",
		Examples: []string{"/path", "/成长"},
		Role:     bot.RoleAgent, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			text, err := g.profile(ctx, req.Bot(), req.Team, req.Member, req.Now())
			if err != nil {
				return err
			}
			return replyPrivately(ctx, req, bot.Message{Markdown: text}, "你的成长路径")
		},
	}
}
