package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/reports/reportbot"
)

// Report answers /report with an Excel workbook (the managers' monthly one
// is sent by reports/reportbot).
type Report struct {
	Builder *reports.Builder
}

// Command is /report.
func (h *Report) Command() *bot.Command {
	return &bot.Command{
		Name:    "report",
		Aliases: []string{"报表"},
		Summary: "生成 Excel 报表（默认本团队本月至今），发到群里",
		Usage:   "/report [2026-10|上月|本周|2026-10-01 2026-10-15] [名字] [all]",
		Examples: []string{"/report", "/report 上月", "/report 2026-10-01 2026-10-15",
			"/report 小王 上月", "/report all 上月（经理：全部团队）", "/report 售后组 上月（私聊中指定团队）"},
		Role:    bot.RoleSupervisor,
		Heavy:   true, // a workbook: at most a couple at once
		Handler: h.handle,
	}
}

// reportArgs is what the arguments of /report ask for.
type reportArgs struct {
	all    bool
	member *bot.Member
	team   *bot.Team // the member's team, or the team named (in a private chat)
	named  bool      // the team was named
	period string
}

// rangeSeparators join two dates into a range when typed as a word of their own.
var rangeSeparators = map[string]bool{"至": true, "到": true, "~": true, "～": true, "—": true}

func parseReportArgs(req *bot.Request) (reportArgs, error) {
	var a reportArgs
	var when []string
	for _, arg := range req.Args {
		switch {
		case strings.EqualFold(arg, "all") || arg == "全部" || arg == "全部团队":
			a.all = true
		case period.Looks(arg) || (len(when) > 0 && period.Looks(strings.Join(append(when, arg), " "))):
			when = append(when, arg)
		case len(when) > 0 && rangeSeparators[arg]:
			// "2026-10-01 至 2026-10-15": the separator on its own, the end date follows.
			when = append(when, arg)
		case req.Private() && req.SenderTeam(arg) != nil:
			// "/report 售后组 上月" from a private chat.
			t := req.SenderTeam(arg)
			if a.named && a.team != t {
				return a, bot.Usagef("一次只能生成一个团队的报表；全部团队请用 /report all。")
			}
			if a.member != nil && a.team != t {
				return a, bot.Usagef("%s 不在%s。", a.member.Name, t.Name)
			}
			a.team, a.named = t, true
		default:
			// From a manager's private chat, an agent of any of their teams.
			m, mt := req.FindMemberTeam(arg)
			if m == nil && strings.ContainsAny(bot.FoldWidth(arg), "0123456789") {
				// Digits: a mistyped period (2026-13), not a name.
				if _, err := period.Parse(arg, req.Now(), period.Range{}); err != nil {
					return a, bot.Usagef("%v", err)
				}
			}
			if m == nil {
				return a, bot.Usagef("没有找到“%s”：它不是本团队的成员，也不是可识别的时间。", strings.TrimLeft(arg, "@＠"))
			}
			if a.member != nil {
				return a, bot.Usagef("一次只能生成一位客服的报表。")
			}
			if a.named && a.team != mt {
				// "/report 售后组 小周": the member must be in the team named.
				if req.Bot().Directory.FindInTeam(a.team, arg) != m {
					return a, bot.Usagef("%s 不在%s。", m.Name, a.team.Name)
				}
				mt = a.team
			}
			a.member, a.team = m, mt
		}
	}
	a.period = strings.Join(when, " ")
	if a.all && (a.member != nil || a.named) {
		return a, bot.Usagef("all（全部团队）和客服名字、团队名不能同时使用。")
	}
	return a, nil
}

func (h *Report) handle(ctx context.Context, req *bot.Request) error {
	args, err := parseReportArgs(req)
	if err != nil {
		return err
	}
	now := req.Now()
	r, err := period.Parse(args.period, now, period.Default(now, false))
	if err != nil {
		return bot.Usagef("%v", err)
	}
	dir := req.Bot().Directory
	var teams []*bot.Team
	switch {
	case args.all:
		if req.Role < bot.RoleManager {
			return bot.Userf("只有经理可以生成全部团队的报表（/report all）。")
		}
		teams = dir.Teams()
	case args.team != nil:
		teams = []*bot.Team{args.team}
	case req.Team == nil:
		return bot.Userf("请在团队群里使用 /report，或用 /report all 生成全部团队的报表。")
	default:
		teams = []*bot.Team{req.Team}
	}
	rq := &reports.Request{From: r.From, To: r.To, Label: r.Label, Private: req.Event.ChatType == bot.ChatSingle}
	for _, t := range teams {
		rq.Teams = append(rq.Teams, reportbot.ReportTeam(dir, t))
	}
	if err := reportbot.AtLevels(ctx, req.Bot().Store, rq.Teams, r.End()); err != nil {
		return err
	}
	subject := reportbot.TeamNames(teams)
	if args.member != nil {
		rq.Agent = args.member.ID
		subject = args.member.Name + "（" + subject + "）"
	}
	note := ""
	if args.team == nil && !args.all {
		note = teamNote(req, teams[0], "报表", "/report %s")
	}
	// The progress note is for the asker; the group gets the file alone.
	if err := req.ReplyPrivately(ctx, bot.Message{Markdown: note + fmt.Sprintf("正在生成 %s · %s 的报表，请稍候…", subject, r.Label)}); err != nil {
		return err
	}
	data, sum, err := h.Builder.Bytes(ctx, rq)
	if errors.Is(err, reports.ErrNoData) {
		return bot.Userf("%s 在 %s（%s 至 %s）没有 KPI 数据，无法生成报表。请先导入店铺后台导出的 KPI 表格。",
			subject, r.Label, r.FromDate(), r.ToDate())
	}
	if err != nil {
		return err
	}
	req.Bot().Logger().Info("report built", "team_id", teamIDs(teams), "user_id", req.Event.SenderID,
		"from", r.FromDate(), "to", r.ToDate(), "records", sum.Records, "bytes", len(data))
	name := reportbot.FileName(subject, r)
	return req.Reply(ctx, bot.Message{
		Title: "报表：" + subject + " · " + r.Label,
		File:  &bot.File{Name: name, ContentType: reports.ContentType, Data: data},
	})
}

func teamIDs(teams []*bot.Team) string {
	ids := make([]string, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	return strings.Join(ids, ",")
}
