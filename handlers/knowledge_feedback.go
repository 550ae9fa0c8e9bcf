package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/knowledge"
)

// feedbackHint invites feedback on an entry shown as an answer.
func feedbackHint(id int64) string {
	return fmt.Sprintf("\n有用请发 /useful %d，没解决问题请发 /notuseful %d 原因。", id, id)
}

// used counts an entry shown as an answer; a failure only loses a count.
func (k *Knowledge) used(ctx context.Context, req *bot.Request, id int64) {
	if err := k.Svc.Used(ctx, req.Team.ID, id); err != nil {
		req.Bot().Logger().Warn("knowledge use not counted", "team_id", req.Team.ID, "entry", id, "error", err)
	}
}

func (k *Knowledge) usefulCmd() *bot.Command {
	return &bot.Command{
		Name: "useful", Aliases: []string{"有用"},
		Summary:  "知识库的答案有用：给它点个 👍",
		Usage:    "/useful 编号",
		Examples: []string{"/useful 3"},
		Role:     bot.RoleAgent, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			e, f, err := k.Svc.Vote(ctx, req.Team.ID, id, kbActor(req), true, "")
			if err != nil {
				return kbErr(err)
			}
			return req.ReplyText(ctx, fmt.Sprintf("👍 谢谢反馈！%s 目前 👍 %d · 👎 %d。", e.Ref(), f.Up, f.Down))
		},
	}
}

func (k *Knowledge) notUsefulCmd() *bot.Command {
	return &bot.Command{
		Name: "notuseful", Aliases: []string{"没用"},
		Summary:  "知识库的答案没解决问题：👎 并说明原因，主管每周据此清理知识库",
		Usage:    "/notuseful 编号 原因",
		Examples: []string{"/notuseful 3 活动规则已经变了，现在是满300减40"},
		Role:     bot.RoleAgent, MinArgs: 2, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			e, f, err := k.Svc.Vote(ctx, req.Team.ID, id, kbActor(req), false, kbRestAfter(req))
			if err != nil {
				return kbErr(err)
			}
			msg := fmt.Sprintf("👎 已记录：%s「%s」没解决问题，原因：%s。目前 👍 %d · 👎 %d，主管每周复盘时会看到。",
				e.Ref(), knowledge.Clip(e.Question, 30), kbRestAfter(req), f.Up, f.Down)
			if e.Owner != "" && e.Owner != req.Member.ID {
				note := bot.Message{Markdown: fmt.Sprintf("%s 觉得你负责的 %s「%s」没解决问题：%s\n请核对后用 /edit %d 修改或 /verify %d 确认。",
					req.Member.Name, e.Ref(), knowledge.Clip(e.Question, 30), kbRestAfter(req), e.ID, e.ID)}
				if err := req.Bot().SendMember(ctx, e.Owner, note); err != nil {
					req.Bot().Logger().Warn("knowledge feedback not delivered", "user_id", e.Owner, "error", err)
				}
			}
			return req.ReplyText(ctx, msg)
		},
	}
}

// PruneJob is the weekly review of the knowledge base by feedback.
func (k *Knowledge) PruneJob(b *bot.Bot) *jobs.Job {
	return &jobs.Job{
		Name:        "knowledge-prune",
		Description: "每周四知识库复盘：把没人用或多数人觉得没用的条目（至多两成）提给主管，建议下线",
		DefaultSpec: "0 10 * * 4",
		PerTeam:     true,
		Fn: func(ctx context.Context, run jobs.Run) error {
			_, err := k.PostPrune(ctx, b, run.TeamID, run.Slot)
			return err
		},
	}
}

// PostPrune posts the entries proposed for retirement to the team's group,
// @-mentioning the supervisors; nothing (and false) when none is.
func (k *Knowledge) PostPrune(ctx context.Context, b *bot.Bot, teamID string, now time.Time) (bool, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return false, fmt.Errorf("unknown team %q", teamID)
	}
	props, err := k.Svc.Prune(ctx, teamID, now.In(b.Location()), k.Prune)
	if err != nil || len(props) == 0 {
		return false, err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s 知识库每周复盘**：建议下线 %d 条", t.Name, len(props))
	for i, p := range props {
		fmt.Fprintf(&sb, "\n%d. **%s** %s — %s", i+1, p.Entry.Ref(), knowledge.Clip(p.Entry.Question, 40), p.Why)
		if n := len(p.Feedback.Reasons); n > 0 {
			r := p.Feedback.Reasons[n-1]
			fmt.Fprintf(&sb, "（%s：%s）", r.Name, knowledge.Clip(r.Text, 40))
		}
	}
	sb.WriteString("\n\n{mention}请逐条确认：过时的发送 /retire 编号 原因 下线；仍然有用的发送 /verify 编号 或 /edit 编号 答案 更新。")
	return true, kbPostTeam(ctx, b, t, sb.String(), kbSupervisors(b, t))
}
