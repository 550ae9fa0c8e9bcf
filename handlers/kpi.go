package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/kpi/kpibot"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
)

// KPI answers /kpi; its jobs are in kpi/kpibot.
type KPI struct {
	Repo    *kpi.Repo
	Targets config.Targets
	Weights map[string]float64
}

func levelLabel(level string) string {
	if level == kpi.LevelSenior {
		return "资深客服"
	}
	return "客服"
}

// Command is /kpi.
func (k *KPI) Command() *bot.Command {
	return &bot.Command{
		Name:     "kpi",
		Aliases:  []string{"绩效"},
		Summary:  "查看 KPI：自己的昨天和本月、某位客服的（主管）、团队的",
		Usage:    "/kpi [本周|上月|2026-10] | /kpi @名字 [时间]（主管） | /kpi team [本周|上周|本月|上月|YYYY-MM]",
		Examples: []string{"/kpi", "/kpi 上月", "/kpi @小王", "/kpi team 本周"},
		Role:     bot.RoleAgent,
		Handler:  k.handle,
	}
}

func (k *KPI) handle(ctx context.Context, req *bot.Request) error {
	now := req.Now()
	args := req.Args
	if len(args) > 0 && (strings.EqualFold(bot.FoldWidth(args[0]), "team") || args[0] == "团队") {
		// In a private chat a team may be named: /kpi team 售后组 上月.
		team, named := req.Team, false
		var rest []string
		for _, a := range args[1:] {
			if !named {
				if t := req.SenderTeam(a); t != nil {
					if !req.Private() && (req.Team == nil || t.ID != req.Team.ID) {
						// A group chat shows its own team; say so rather than
						// reading the other team's name as a period.
						return bot.Userf("群里只能查看本群团队的 KPI。查看%s请在%s的群里发送 /kpi team，或在和班组助手的私聊里发送 /kpi team %s。", t.Name, t.Name, t.Name)
					}
					team, named = t, true
					continue
				}
			}
			rest = append(rest, a)
		}
		return k.team(ctx, req, team, named, strings.Join(rest, " "), now)
	}
	var m *bot.Member
	team := req.Team
	if len(args) > 0 && (strings.HasPrefix(args[0], "@") || strings.HasPrefix(args[0], "＠") || !period.Looks(strings.Join(args, " "))) {
		// From a manager's private chat, an agent of any of their teams.
		m, team = req.FindMemberTeam(args[0])
		if m == nil && !strings.ContainsAny(args[0], "0123456789") {
			return bot.Userf("没有找到“%s”：它不是团队成员，也不是时间（本周、上月、2026-10 …）。发送 /roster 查看成员名单。", strings.TrimLeft(args[0], "@＠"))
		}
	}
	if m == nil {
		// The caller's own KPI, for the period the arguments name.
		if req.Member == nil {
			return bot.Userf("你还不在花名册里，没有个人 KPI。请主管把你加入团队成员（teams[].members）。")
		}
		return k.member(ctx, req, req.Team, req.Member, strings.Join(args, " "), now)
	}
	if m != req.Member && req.Role < bot.RoleSupervisor {
		return bot.Userf("只有主管可以查看其他人的 KPI。查看自己的请发送 /kpi")
	}
	return k.member(ctx, req, team, m, strings.Join(args[1:], " "), now)
}

// member answers one agent's KPI in team: yesterday and month to date, or
// one period.
func (k *KPI) member(ctx context.Context, req *bot.Request, team *bot.Team, m *bot.Member, periodText string, now time.Time) error {
	if team == nil {
		return bot.Userf("请在团队群里使用这个命令。")
	}
	var periods []period.Range
	if periodText == "" {
		y := period.Day(now).AddDate(0, 0, -1)
		periods = []period.Range{
			{From: y, To: y, Label: fmt.Sprintf("昨天（%d月%d日）", int(y.Month()), y.Day())},
			period.Default(now, false),
		}
	} else {
		r, err := period.Parse(periodText, now, period.Range{})
		if err != nil {
			return bot.Userf("%v", err)
		}
		periods = []period.Range{r}
	}
	p := kpibot.People{Dir: req.Bot().Directory}
	var shown []reports.Period
	for _, r := range periods {
		rep, err := k.Repo.Range(ctx, team.ID, r.FromDate(), r.ToDate())
		if err != nil {
			return err
		}
		shown = append(shown, reports.Period{Label: r.Label, Totals: rep.Agents[m.ID]})
	}
	if role := req.Bot().Directory.RoleOf(m); role >= bot.RoleSupervisor && noTotals(shown) {
		// Supervisors and managers serve no customers: point them at what
		// they came for instead of an empty card against agent targets.
		who := "你是" + role.Label()
		if req.Member == nil || m.ID != req.Member.ID {
			who = m.Name + " 是" + role.Label()
		}
		return req.ReplyPrivately(ctx, bot.Message{Markdown: who + "，没有个人 KPI。\n查看团队：/kpi team [上月]\n查看某位客服：/kpi @名字 [上月]"})
	}
	// Yesterday may be in last month while 本月至今 is this one: cover both.
	from, to := periods[0].FromDate(), periods[0].ToDate()
	for _, r := range periods[1:] {
		from, to = min(from, r.FromDate()), max(to, r.ToDate())
	}
	note, err := k.incompleteNote(ctx, team.ID, from, to)
	if err != nil {
		return err
	}
	level := p.Level(m.ID)
	if periodText != "" {
		// A past period is judged at the level held then: a promotion
		// since does not hold last month to the new level's targets.
		h, err := growth.LoadHistory(ctx, req.Bot().Store)
		if err != nil {
			return err
		}
		if h.At(m.ID, req.Bot().Directory.LevelOf(m), periods[0].End()) == kpi.LevelSenior {
			level = kpi.LevelSenior
		} else {
			level = kpi.LevelAgent
		}
	}
	// One person's figures are theirs and their supervisor's: in a group
	// only the asker sees them.
	return req.ReplyPrivately(ctx, bot.Message{Markdown: note + reports.AgentKPI(m.Name, levelLabel(level), kpi.RulesFor(kpi.TeamTargets(k.Targets, team.Config), level), shown...)})
}

func noTotals(ps []reports.Period) bool {
	for _, p := range ps {
		if p.Totals != nil {
			return false
		}
	}
	return true
}

// team answers a team's KPI for a period (month to date by default); named
// is whether the caller named the team.
func (k *KPI) team(ctx context.Context, req *bot.Request, team *bot.Team, named bool, periodText string, now time.Time) error {
	if team == nil {
		return bot.Userf("请在团队群里使用这个命令。")
	}
	r, err := period.Parse(periodText, now, period.Default(now, false))
	if err != nil {
		return bot.Userf("%v", err)
	}
	rep, err := k.Repo.Range(ctx, team.ID, r.FromDate(), r.ToDate())
	if err != nil {
		return err
	}
	note := ""
	if !named {
		note = teamNote(req, team, " KPI", "/kpi team %s")
	}
	incomplete, err := k.incompleteNote(ctx, team.ID, r.FromDate(), r.ToDate())
	if err != nil {
		return err
	}
	return req.ReplyText(ctx, note+incomplete+reports.TeamKPI(team.Name, r.Label, rep, kpi.RulesFor(kpi.TeamTargets(k.Targets, team.Config), kpi.LevelTeam), kpi.TeamWeights(k.Weights, team.Config), kpibot.People{Dir: req.Bot().Directory}))
}

// teamNote starts a team-scoped answer in the private chat of a member of
// several teams: which team it is about, and how to ask about another
// (what follows "的"; example is the command with %s for a team name). ""
// elsewhere.
func teamNote(req *bot.Request, t *bot.Team, what, example string) string {
	if !req.MultiTeam() {
		return ""
	}
	other := ""
	for _, st := range req.SenderTeams() {
		if st.ID != t.ID {
			other = st.Name
			break
		}
	}
	return fmt.Sprintf("以下是 %s 的%s；查看其他团队请加上团队名（如 "+example+"），或在该团队群里发送。\n\n", t.Name, what, other)
}

// incompleteNote is kpibot.IncompleteNote on the handler's repo.
func (k *KPI) incompleteNote(ctx context.Context, teamID, from, to string) (string, error) {
	return kpibot.IncompleteNote(ctx, k.Repo, teamID, from, to)
}
