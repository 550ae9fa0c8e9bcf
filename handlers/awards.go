package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/awards/awardsbot"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/period"
)

// Awards answers the recognition commands (/award, /revoke, /mentor,
// /badges, /leaderboard, /thanks). The monthly ceremony, the 伯乐奖
// reminders and the demo data are in awards/awardsbot.
type Awards struct {
	Svc *awards.Service
}

// Commands lists the recognition commands.
func (h *Awards) Commands() []*bot.Command {
	return []*bot.Command{
		{
			Name: "award", Aliases: []string{"颁奖"},
			Summary: "颁发特别奖：委屈奖、伯乐奖（推荐的新人须在入职期限内；主管），黄金勋章（经理）",
			Usage:   "/award 委屈奖 @名字 原因 | /award 伯乐奖 @名字 推荐 @新人 | /award 黄金 @名字 原因",
			Examples: []string{"/award 委屈奖 @小王 面对客户辱骂始终保持专业", "/award 伯乐奖 @阿强 推荐 @小美",
				"/award 黄金 @晓雯 退款流程改进已在全公司推行"},
			Role: bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
			Handler: h.award,
		},
		{
			Name: "revoke", Aliases: []string{"撤销"},
			Summary:  "撤销一项荣誉（记录保留，积分扣回）",
			Usage:    "/revoke 编号 原因",
			Examples: []string{"/revoke 12 数据导入有误，重新评选"},
			Role:     bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
			Handler: h.revoke,
		},
		{
			Name: "mentor", Aliases: []string{"师徒"},
			Summary:  "登记师徒带教关系（白银勋章据此计算）",
			Usage:    "/mentor @师傅 @徒弟",
			Examples: []string{"/mentor @阿强 @小美"},
			Role:     bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
			Handler: h.mentor,
		},
		{
			Name: "badges", Aliases: []string{"勋章"},
			Summary:  "查看勋章、称号和升级进度",
			Usage:    "/badges [@名字]",
			Examples: []string{"/badges", "/badges @小王"},
			Role:     bot.RoleAgent, GroupOnly: true,
			Handler: h.badges,
		},
		{
			Name: "leaderboard", Aliases: []string{"排行榜"},
			Summary:  "客服排行榜：KPI、答题、知识贡献、总积分（不含主管、经理；月度颁奖积分记在所评月份）",
			Usage:    "/leaderboard [本周|本月|上月|本季…] [kpi|quiz|knowledge|points] [全公司（经理）]",
			Examples: []string{"/leaderboard", "/排行榜 本周 quiz", "/leaderboard 上月", "/leaderboard 本季 kpi"},
			Role:     bot.RoleAgent, GroupOnly: true,
			Handler: h.leaderboard,
		},
		h.thanksCommand(),
	}
}

// awardKinds maps what people type to an award.
var awardKinds = map[string]string{
	"委屈奖": awards.Grievance, "伯乐奖": awards.Referral,
	"黄金": awards.Gold, "黄金勋章": awards.Gold, "gold": awards.Gold, "金牌": awards.Gold,
}

// idemOf makes a command idempotent on its message: the event key
// (bot.Request.EventKey), or (without one) what was asked, on that day.
func idemOf(req *bot.Request, parts ...string) string {
	if k := req.EventKey(); k != "" {
		return k
	}
	return strings.Join(append(parts, req.Now().Format(period.Layout)), "/")
}

func (h *Awards) award(ctx context.Context, req *bot.Request) error {
	kind, ok := awardKinds[strings.ToLower(req.Args[0])]
	if !ok {
		return bot.Usagef("不认识的奖项“%s”，可颁发：委屈奖、伯乐奖、黄金勋章。", req.Args[0])
	}
	m := req.FindMember(req.Args[1])
	if m == nil {
		return bot.Usagef("团队里没有找到 %s。", req.Args[1])
	}
	if kind == awards.Gold && req.Role < bot.RoleManager {
		return bot.Userf("黄金勋章只能由经理授予（表彰被全公司采纳的流程改进）。")
	}
	if req.Member != nil && m.ID == req.Member.ID {
		return bot.Userf("不能给自己颁奖。")
	}
	if r := req.Bot().Directory.RoleOf(m); r >= req.Role {
		// Awards go down the line: a supervisor honours agents, not their manager.
		return bot.Userf("%s 是%s，你只能给角色低于自己的成员颁奖。", m.Name, r.Label())
	}
	now := req.Now()
	e := awards.Entry{Award: kind, Member: m.ID, Team: req.Team.ID, At: now}
	if req.Member != nil {
		e.By = req.Member.ID
	}
	rest := req.Args[2:]
	var idem string
	var hire *bot.Member
	switch kind {
	case awards.Referral:
		if len(rest) > 0 && (rest[0] == "推荐" || rest[0] == "推荐了") {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return bot.Usagef("请写明 %s 推荐入职的新人。", m.Name)
		}
		hire = findAnywhere(req, rest[0])
		if hire == nil {
			return bot.Usagef("没有找到新人 %s。", rest[0])
		}
		if hire.ID == m.ID {
			return bot.Userf("推荐人和新人不能是同一个人。")
		}
		if days, known, isNew := h.Svc.Cfg.NewHire(hire.Config.HireDate, now); known && !isNew {
			return bot.Userf("%s 入职于 %s，已经 %d 天，不算新人：伯乐奖只颁给推荐入职 %d 天内新人的同事（awards.new_hire_days）。",
				hire.Name, hire.Config.HireDate, days, h.Svc.Cfg.NewHireDays)
		}
		e.Subject = hire.ID
		e.Due = h.Svc.ReferralDue(hire.Config.HireDate, now)
		e.Reason = fmt.Sprintf("推荐 %s 入职", hire.Name)
		if extra := strings.Join(rest[1:], " "); extra != "" {
			if err := bot.CheckLen("推荐说明", extra, bot.MaxReason); err != nil {
				return err
			}
			e.Reason += "：" + extra
		}
		idem = "referral/" + hire.ID // one hire, one referral award
	default:
		e.Reason = strings.Join(rest, " ")
		if e.Reason == "" {
			return bot.Usagef("请写明颁奖原因。")
		}
		if err := bot.CheckLen("颁奖原因", e.Reason, bot.MaxReason); err != nil {
			return err
		}
		idem = idemOf(req, "award", kind, m.ID, e.Reason)
		if kind == awards.Grievance {
			e.Event = req.EventKey() // a redelivered command finds its own award
			// The nomination hands supervisors a line to send; the second
			// to send it (or the same line twice) must not pay twice.
			st, err := awards.Load(ctx, h.Svc.St)
			if err != nil {
				return err
			}
			for _, g := range st.Of(m.ID) {
				if g.Kind == awards.KindAward && g.Award == kind && g.Reason == e.Reason && st.Active(g) && (req.EventKey() == "" || g.Event != req.EventKey()) {
					return bot.Userf("%s 已因同样的原因获得委屈奖（#%d，%s，%s 颁发），不再重复颁发。如果是另一件事，请写明不同的原因（如订单号）。",
						m.Name, g.Seq, dateOf(g), nameOf(req.Bot(), g.By))
				}
			}
		}
	}
	got, created, err := h.Svc.Give(ctx, e, idem)
	switch {
	case errors.Is(err, awards.ErrHeld):
		return bot.Userf("%s 已持有黄金勋章（#%d，%s 授予）。如需重新授予，请先 /revoke %d 原因。", m.Name, got.Seq, dateOf(got), got.Seq)
	case err != nil:
		return err
	case !created && kind == awards.Referral:
		return bot.Userf("推荐 %s 的伯乐奖已于 %s 颁给 %s（#%d），每位新人只颁一次。", hire.Name, dateOf(got), nameOf(req.Bot(), got.Member), got.Seq)
	}
	msg := bot.Message{Markdown: h.awardText(req.Bot(), got, req.SenderName())}
	if uid := m.UserID(req.Event.Platform); uid != "" {
		msg.Mentions = []string{uid}
	}
	return req.Reply(ctx, msg)
}

// findAnywhere finds a member in the request's team, then in any team.
func findAnywhere(req *bot.Request, ref string) *bot.Member {
	if m := req.FindMember(ref); m != nil {
		return m
	}
	for _, t := range req.Bot().Directory.Teams() {
		if m := req.Bot().Directory.FindInTeam(t, ref); m != nil {
			return m
		}
	}
	return nil
}

func (h *Awards) revoke(ctx context.Context, req *bot.Request) error {
	seq, err := strconv.ParseInt(strings.TrimLeft(req.Args[0], "#＃"), 10, 64)
	if err != nil || seq <= 0 {
		return bot.Usagef("编号应为数字（颁奖消息和 /badges 里的 #编号），得到“%s”。", req.Args[0])
	}
	reason := strings.Join(req.Args[1:], " ")
	if err := bot.CheckLen("撤销原因", reason, bot.MaxReason); err != nil {
		return err
	}
	st, err := awards.Load(ctx, h.Svc.St)
	if err != nil {
		return err
	}
	e := st.Get(seq)
	if e == nil || e.Kind == awards.KindRevoke {
		return bot.Userf("没有编号为 #%d 的荣誉记录。", seq)
	}
	if e.Team != req.Team.ID && req.Role < bot.RoleManager {
		return bot.Userf("#%d 不是本团队的记录，只有经理可以撤销。", seq)
	}
	if e.Kind == awards.KindBadge && e.Award == awards.Gold && req.Role < bot.RoleManager {
		return bot.Userf("黄金勋章只能由经理撤销。")
	}
	by := ""
	if req.Member != nil {
		by = req.Member.ID
	}
	e, rv, err := h.Svc.Revoke(ctx, seq, by, reason, req.Now())
	if errors.Is(err, awards.ErrAlreadyRevoked) {
		return bot.Userf("#%d 已于 %s 撤销（原因：%s）。", seq, dateOf(rv), rv.Reason)
	}
	if err != nil {
		return err
	}
	b := req.Bot()
	var sb strings.Builder
	if e.Kind == awards.KindMentor {
		fmt.Fprintf(&sb, "已撤销 #%d：%s 带教 %s 的师徒记录。", seq, nameOf(b, e.Member), nameOf(b, e.Subject))
	} else {
		what := e.Label()
		if e.Period != "" {
			what = awards.MonthLabel(e.Period) + what
		}
		fmt.Fprintf(&sb, "已撤销 #%d：%s 的%s。", seq, nameOf(b, e.Member), what)
	}
	fmt.Fprintf(&sb, "\n原因：%s", reason)
	if e.Points != 0 {
		fmt.Fprintf(&sb, "\n积分 -%d 已扣回。", e.Points)
	}
	fmt.Fprintf(&sb, "\n原记录保留在荣誉台账中（撤销记录 #%d）。", rv.Seq)
	return req.ReplyText(ctx, sb.String())
}

func (h *Awards) mentor(ctx context.Context, req *bot.Request) error {
	senior := req.FindMember(req.Args[0])
	if senior == nil {
		return bot.Usagef("团队里没有找到师傅 %s。", req.Args[0])
	}
	mentee := req.FindMember(req.Args[1])
	if mentee == nil {
		if findAnywhere(req, req.Args[1]) != nil {
			return bot.Userf("%s 不在%s：师徒需要在同一个团队，请在徒弟所在团队的群里登记。", strings.TrimLeft(req.Args[1], "@＠"), req.Team.Name)
		}
		return bot.Usagef("团队里没有找到徒弟 %s。", req.Args[1])
	}
	if senior.ID == mentee.ID {
		return bot.Userf("师傅和徒弟不能是同一个人。")
	}
	// Dates are YYYY-MM-DD, so they compare as strings.
	if sh, mh := senior.Config.HireDate, mentee.Config.HireDate; sh != "" && mh != "" && sh > mh {
		return bot.Usagef("看起来师傅和徒弟写反了：%s（%s 入职）比 %s（%s 入职）晚入职。师傅写在前面。", senior.Name, sh, mentee.Name, mh)
	}
	by := ""
	if req.Member != nil {
		by = req.Member.ID
	}
	now := req.Now()
	e, created, err := h.Svc.Mentor(ctx, req.Team.ID, senior.ID, mentee.ID, by, now)
	if err != nil {
		return err
	}
	p, err := h.Svc.Progress(ctx, req.Team.ID, awardsbot.Member(senior), awardsbot.Roster(req.Team), now)
	if err != nil {
		return err
	}
	head := fmt.Sprintf("已登记师徒：**%s** 带教 **%s**（#%d）。", senior.Name, mentee.Name, e.Seq)
	if !created {
		head = fmt.Sprintf("%s 带教 %s 已经登记过了（#%d，%s）。", senior.Name, mentee.Name, e.Seq, dateOf(e))
	}
	return req.ReplyText(ctx, head+"\n"+silverLine(req.Bot(), p))
}

func (h *Awards) badges(ctx context.Context, req *bot.Request) error {
	m, team := req.Member, req.Team
	if len(req.Args) > 0 {
		// From a manager's private chat, a member of any of their teams.
		m, team = req.FindMemberTeam(req.Args[0])
		if m == nil {
			return bot.Usagef("团队里没有找到 %s。", req.Args[0])
		}
	}
	if m == nil {
		return bot.Userf("你还不在花名册里，没有勋章记录。请主管把你加入团队成员（teams[].members）。")
	}
	p, err := h.Svc.Progress(ctx, team.ID, awardsbot.Member(m), awardsbot.Roster(team), req.Now())
	if err != nil {
		return err
	}
	return req.ReplyText(ctx, badgesText(req.Bot(), m.Name, p))
}

// boardKinds maps what people type to a leaderboard.
var boardKinds = map[string]string{
	"kpi": awards.BoardKPI, "绩效": awards.BoardKPI, "综合": awards.BoardKPI,
	"quiz": awards.BoardQuiz, "答题": awards.BoardQuiz, "微课": awards.BoardQuiz,
	"knowledge": awards.BoardKnowledge, "知识": awards.BoardKnowledge,
	"points": awards.BoardPoints, "积分": awards.BoardPoints,
}

func (h *Awards) leaderboard(ctx context.Context, req *bot.Request) error {
	now := req.Now()
	kind := awards.BoardPoints
	all := false
	var periodText []string
	for _, a := range req.Args {
		if k, ok := boardKinds[strings.ToLower(bot.FoldWidth(a))]; ok {
			kind = k
			continue
		}
		if a == "全公司" || a == "全部" || strings.EqualFold(a, "all") {
			all = true
			continue
		}
		periodText = append(periodText, a)
	}
	if all && req.Role < bot.RoleManager {
		return bot.Userf("全公司排行榜仅限经理查看；各团队的荣誉标准不同，排行默认在团队内比较。")
	}
	if all && kind == awards.BoardKPI {
		return bot.Userf("KPI 综合得分只在团队内比较，请去掉“全公司”。")
	}
	r, err := period.Parse(strings.Join(periodText, " "), now, period.Default(now, true))
	if err != nil {
		for _, w := range periodText {
			if !period.Looks(w) && !strings.ContainsAny(bot.FoldWidth(w), "0123456789") {
				return bot.Usagef("不认识“%s”：榜单可选 kpi、quiz、knowledge、points（绩效、答题、知识、积分），时间可写 本周、上月、2026-10 等。", w)
			}
		}
		return bot.Usagef("%v", err)
	}
	team := req.Team.ID
	eligible := agentsOf(req.Bot(), req.Team)
	scope := req.Team.Name
	if all {
		team, eligible, scope = "", agentsOf(req.Bot(), req.Bot().Directory.Teams()...), "全公司"
	}
	board, err := h.Svc.Leaderboard(ctx, kind, team, r, eligible)
	if err != nil {
		return err
	}
	me := ""
	if req.Member != nil {
		me = req.Member.ID
	}
	return req.ReplyText(ctx, boardText(req.Bot(), scope, r.Label, board, me, h.Svc.Cfg.LeaderboardMinServedPerDay))
}

// agentsOf is a filter for the teams' agents: leaderboards rank agents,
// not the supervisors and managers who give the points (a member's current
// role, after /role, decides).
func agentsOf(b *bot.Bot, teams ...*bot.Team) func(string) bool {
	ids := map[string]bool{}
	for _, t := range teams {
		for _, m := range t.Members {
			if b.Directory.RoleOf(m) == bot.RoleAgent {
				ids[m.ID] = true
			}
		}
	}
	return func(id string) bool { return ids[id] }
}

// nameOf is a member's name, or id when the roster does not know them.
func nameOf(b *bot.Bot, id string) string { return awardsbot.NameOf(b, id) }

// dateOf is an entry's day, "2026-11-05"; "" for nil.
func dateOf(e *awards.Entry) string { return awardsbot.DateOf(e) }
