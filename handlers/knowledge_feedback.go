package handlers

import (
	"context"
	"fmt"

	"github.com/banzu-bot/banzu/bot"
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
