package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/knowledge/knowledgebot"
)

func (k *Knowledge) reviewCmd() *bot.Command {
	return &bot.Command{
		Name: "review", Aliases: []string{"审核", "待审"},
		Summary: "查看待审核的知识投稿和测验题草稿",
		Usage:   "/review",
		Role:    bot.RoleSupervisor, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			pending, err := k.Svc.Entries(ctx, req.Team.ID, knowledge.Pending)
			if err != nil {
				return err
			}
			drafts, nDrafts, err := k.draftLines(ctx, req.Team.ID)
			if err != nil {
				return err
			}
			if len(pending) == 0 {
				if nDrafts > 0 {
					return req.ReplyText(ctx, "没有待审核的投稿。\n\n"+drafts)
				}
				return req.ReplyText(ctx, "没有待审核的投稿和测验题。")
			}
			const show = 10
			var b strings.Builder
			fmt.Fprintf(&b, "**待审核投稿（%d 条）**", len(pending))
			for i, e := range pending {
				if i == show {
					fmt.Fprintf(&b, "\n…… 还有 %d 条，先处理上面的吧。", len(pending)-show)
					break
				}
				fmt.Fprintf(&b, "\n\n**%s** %s · %s · %s\n问：%s\n答：%s", e.Ref(), e.SubmitterName, e.Category(),
					knowledgebot.Date(e.Created, req.Bot().Location()), knowledge.Clip(e.Question, 60), knowledge.Clip(e.Answer, 120))
				if ms, err := k.Svc.Similar(ctx, req.Team.ID, e.Question, 1, e.ID); err == nil && len(ms) > 0 {
					fmt.Fprintf(&b, "\n⚠ 与 %s 相似（%.0f%%，%s）", ms[0].Entry.Ref(), ms[0].Score*100, ms[0].Entry.State.Label())
				}
				if line := k.wordingLine(ctx, req.Team.ID, e.Answer); line != "" {
					fmt.Fprintf(&b, "\n🌡 %s", line)
				}
			}
			b.WriteString("\n\n通过：/approve 编号 [修改后的答案]　驳回：/reject 编号 原因　修改：/edit 编号 答案")
			if drafts != "" {
				b.WriteString("\n\n" + drafts)
			}
			return req.ReplyText(ctx, b.String())
		},
	}
}

// kbTell adds the outcome for the submitter to the reply: in the same group
// chat an @-mention, elsewhere a direct message.
func (k *Knowledge) kbTell(ctx context.Context, req *bot.Request, e *knowledge.Entry, reply, outcome string) error {
	sub := req.Bot().Directory.Member(e.Submitter)
	if sub == nil || sub.ID == req.Member.ID {
		return req.ReplyText(ctx, reply)
	}
	if req.Event.ChatType != bot.ChatSingle && knowledgebot.InTeam(sub, req.Team) {
		names, ids := knowledgebot.Mention(req.Event.Platform, []*bot.Member{sub})
		return req.Reply(ctx, bot.Message{Markdown: reply + "\n\n" + names + " " + outcome, Mentions: ids})
	}
	if err := req.ReplyText(ctx, reply); err != nil {
		return err
	}
	if err := req.Bot().SendMember(ctx, sub.ID, bot.Message{Markdown: outcome}); err != nil {
		req.Bot().Logger().Warn("knowledge outcome not delivered", "user_id", sub.ID, "error", err)
	}
	return nil
}

// kbTellPrivately is kbTell for bad news: the submitter hears it in a
// direct message, never @-ed in the group, and the reviewer's confirmation
// in a group is shown to the reviewer alone.
func (k *Knowledge) kbTellPrivately(ctx context.Context, req *bot.Request, e *knowledge.Entry, reply, outcome string) error {
	msg := bot.Message{Markdown: reply}
	sub := req.Bot().Directory.Member(e.Submitter)
	switch {
	case sub == nil || sub.ID == req.Member.ID:
	case req.Bot().SendMember(ctx, sub.ID, bot.Message{Markdown: outcome}) == nil:
		msg.Markdown += fmt.Sprintf("已私信告知 %s 原因。", sub.Name)
	default:
		req.Bot().Logger().Warn("knowledge outcome not delivered", "user_id", sub.ID)
		msg.Markdown += fmt.Sprintf("没能私信通知 %s（TA 没有可用的私聊），请当面告知原因。", sub.Name)
	}
	return req.ReplyPrivately(ctx, msg)
}

func (k *Knowledge) approveCmd() *bot.Command {
	return &bot.Command{
		Name: "approve", Aliases: []string{"通过"},
		Summary:  "审核通过一条投稿（可附上修改后的答案），或把测验题草稿加入题库",
		Usage:    "/approve 编号 [修改后的答案] | /approve 题编号",
		Examples: []string{"/approve 3", "/approve 3 退货签收后72小时内赔付，按首重计算", "/approve 题5"},
		Role:     bot.RoleSupervisor, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if n, _, ok := draftRef(req.Args); ok {
				return k.approveDraft(ctx, req, n)
			}
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			e, err := k.Svc.Approve(ctx, req.Team.ID, id, kbActor(req), kbRestAfter(req))
			if err != nil {
				return kbErr(err)
			}
			loc := req.Bot().Location()
			edited := ""
			if e.Edited {
				edited = "（答案已由主管修改）"
			}
			reply := fmt.Sprintf("已通过 **%s**，已加入知识库%s。负责人：%s，下次复核：%s。", e.Ref(), edited, e.OwnerName, knowledgebot.Date(e.VerifyDue, loc))
			outcome := fmt.Sprintf("你的投稿 %s「%s」已通过审核%s，获得 %d 积分，计入知识贡献王。", e.Ref(), knowledge.Clip(e.Question, 30), edited, k.Svc.Settings().ApprovePoints)
			return k.kbTell(ctx, req, e, reply, outcome)
		},
	}
}

func (k *Knowledge) rejectCmd() *bot.Command {
	return &bot.Command{
		Name: "reject", Aliases: []string{"驳回"},
		Summary:  "驳回一条投稿并说明原因（原因私信给投稿人，不在群里 @），或放弃一道测验题草稿",
		Usage:    "/reject 编号 原因 | /reject 题编号 原因",
		Examples: []string{"/reject 4 与 #2 重复", "/reject 题5 干扰项太容易"},
		Role:     bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if n, rest, ok := draftRef(req.Args); ok {
				return k.rejectDraft(ctx, req, n, strings.Join(rest, " "))
			}
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			e, err := k.Svc.Reject(ctx, req.Team.ID, id, kbActor(req), kbRestAfter(req))
			if err != nil {
				return kbErr(err)
			}
			reply := fmt.Sprintf("已驳回 **%s**。", e.Ref())
			outcome := fmt.Sprintf("你的投稿 %s「%s」未通过审核，原因：%s", e.Ref(), knowledge.Clip(e.Question, 30), e.Reason)
			return k.kbTellPrivately(ctx, req, e, reply, outcome)
		},
	}
}

func (k *Knowledge) editCmd() *bot.Command {
	return &bot.Command{
		Name: "edit", Aliases: []string{"修改"},
		Summary:  "修改一条投稿或知识条目的答案",
		Usage:    "/edit 编号 答案",
		Examples: []string{"/edit 3 退货签收后72小时内赔付到支付宝"},
		Role:     bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			e, err := k.Svc.Edit(ctx, req.Team.ID, id, kbActor(req), kbRestAfter(req))
			if err != nil {
				return kbErr(err)
			}
			msg := fmt.Sprintf("已修改 **%s** 的答案（%s）：\n%s", e.Ref(), e.State.Label(), knowledge.Clip(e.Answer, 200))
			if e.State == knowledge.Pending {
				msg += fmt.Sprintf("\n确认无误后发送 /approve %d 通过。", e.ID)
			}
			return req.ReplyText(ctx, msg)
		},
	}
}

func (k *Knowledge) verifyCmd() *bot.Command {
	return &bot.Command{
		Name: "verify", Aliases: []string{"复核"},
		Summary:  "确认一条知识仍然正确，顺延复核日期（负责人或主管）",
		Usage:    "/verify 编号 [备注]",
		Examples: []string{"/verify 3", "/verify 3 活动规则已核对"},
		Role:     bot.RoleAgent, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			e, err := k.Svc.Verify(ctx, req.Team.ID, id, kbActor(req), kbRestAfter(req))
			if err != nil {
				return kbErr(err)
			}
			return req.ReplyText(ctx, fmt.Sprintf("已复核 **%s**，下次复核：%s。谢谢 %s！", e.Ref(), knowledgebot.Date(e.VerifyDue, req.Bot().Location()), req.Member.Name))
		},
	}
}

func (k *Knowledge) retireCmd() *bot.Command {
	return &bot.Command{
		Name: "retire", Aliases: []string{"下线"},
		Summary:  "把过时的知识条目下线并说明原因",
		Usage:    "/retire 编号 原因",
		Examples: []string{"/retire 5 活动已结束"},
		Role:     bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			e, err := k.Svc.Retire(ctx, req.Team.ID, id, kbActor(req), kbRestAfter(req))
			if err != nil {
				return kbErr(err)
			}
			return req.ReplyText(ctx, fmt.Sprintf("已下线 **%s**「%s」，原因：%s。它不再出现在搜索和导出中。", e.Ref(), knowledge.Clip(e.Question, 30), e.Reason))
		},
	}
}
