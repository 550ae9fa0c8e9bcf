package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/knowledge/knowledgebot"
	"github.com/banzu-bot/banzu/lesson"
)

// Knowledge is the knowledge-crowdsourcing feature's commands: submitting,
// asking, searching, reviewing and keeping entries fresh. Its jobs are in
// knowledge/knowledgebot.
type Knowledge struct {
	Svc *knowledge.Service
	// Words (optional) runs the 话术 check on submitted answers and in /review.
	Words *Wording
	// Bank (optional) is the lesson question bank that approved /toquiz
	// drafts join (/approve 题N).
	Bank *lesson.Repo
}

// Commands lists the knowledge commands.
func (k *Knowledge) Commands() []*bot.Command {
	return []*bot.Command{k.submitCmd(), k.askCmd(), k.kbCmd(), k.reviewCmd(), k.approveCmd(), k.rejectCmd(),
		k.editCmd(), k.verifyCmd(), k.retireCmd(), k.toQuizCmd(), k.usefulCmd(), k.notUsefulCmd()}
}

// kbActor is the sender as the knowledge base sees them. Only a supervisor of
// this team (or a manager) acts as a supervisor.
func kbActor(req *bot.Request) knowledge.Actor {
	a := knowledge.Actor{ID: req.Member.ID, Name: req.Member.Name}
	a.Supervisor = req.Role >= bot.RoleManager || req.Role >= bot.RoleSupervisor && knowledgebot.InTeam(req.Member, req.Team)
	return a
}

// kbErr turns the knowledge base's user errors into chat answers.
func kbErr(err error) error {
	var ke *knowledge.Error
	if errors.As(err, &ke) {
		return bot.Userf("%s", ke.Msg)
	}
	return err
}

// kbID reads "12", "#12" or "＃12".
func kbID(s string) (int64, error) {
	t := strings.TrimLeft(strings.TrimSpace(s), "#＃")
	id, err := strconv.ParseInt(t, 10, 64)
	if err != nil || id <= 0 {
		return 0, bot.Usagef("“%s”不是条目编号，编号是 /review 或 /kb 列出的数字，例如 3 或 #3。", s)
	}
	return id, nil
}

// kbRestAfter is the text after the first argument, line breaks kept.
func kbRestAfter(req *bot.Request) string {
	if len(req.Args) == 0 {
		return ""
	}
	rest := strings.TrimSpace(req.Rest)
	return strings.TrimSpace(strings.TrimPrefix(rest, req.Args[0]))
}

func (k *Knowledge) submitCmd() *bot.Command {
	return &bot.Command{
		Name: "submit", Aliases: []string{"投稿"},
		Summary: "投稿一条问答到团队知识库，主管审核后发布",
		Usage:   "/submit 问题 | 答案 #标签，或分行写「问：…」「答：…」；自己投过同样的问题会被拦下，确实不同请在内容前加 ! 或“强制”",
		Examples: []string{"/submit 运费险多久到账 | 退货签收后72小时内赔付到支付宝 #运费险",
			"/投稿\n问：买完降价了能退差价吗\n答：30天内同款降价可申请价保\n标签：#价保",
			"/submit ! 运费险多久到账 | 极速退款订单赔付即时到账 #运费险"},
		Role: bot.RoleAgent, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if rest, _ := knowledge.CutForce(req.Rest); strings.TrimSpace(rest) == "" {
				return bot.Usagef("请写上问题和答案。")
			}
			sub, err := knowledge.ParseSubmission(req.Rest)
			if err != nil {
				return bot.Usagef("%s", err.Error())
			}
			e, matches, err := k.Svc.Submit(ctx, req.Team.ID, kbActor(req), sub,
				knowledge.Origin{Platform: req.Event.Platform, ChatID: req.Event.ChatID})
			if err != nil {
				return kbErr(err)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "已收到 %s 的投稿 **%s**，等待主管审核。\n", req.Member.Name, e.Ref())
			fmt.Fprintf(&b, "- 问：%s\n- 答：%s\n- 分类：%s", knowledge.Clip(e.Question, 60), knowledge.Clip(e.Answer, 80), e.Category())
			if len(e.Similar) > 0 {
				fmt.Fprintf(&b, "\n- 相似问：%s", strings.Join(e.Similar, "；"))
			}
			if line := k.wordingLine(ctx, req.Team.ID, e.Answer); line != "" {
				fmt.Fprintf(&b, "\n- %s", line)
			}
			if len(matches) > 0 {
				b.WriteString("\n\n知识库里已有相似的条目，请看看是否重复：")
				for _, m := range matches {
					fmt.Fprintf(&b, "\n- %s（%s，相似度 %.0f%%）", knowledgebot.EntryLine(m.Entry), m.Entry.State.Label(), m.Score*100)
				}
				b.WriteString("\n发送 /kb 编号 查看；如果重复，主管审核时会处理。")
			}
			msg := bot.Message{Markdown: b.String()}
			sups := req.Bot().Directory.Leads(req.Team.ID)
			if req.Event.ChatType == bot.ChatSingle {
				// An @ in the submitter's private chat reaches nobody: tell the
				// reviewers one to one instead.
				note := bot.Message{Markdown: fmt.Sprintf("%s 私聊投稿了 **%s**「%s」，等待审核，请在%s群里发送 /审核 查看。",
					req.Member.Name, e.Ref(), knowledge.Clip(e.Question, 40), req.Team.Name)}
				told := false
				for _, m := range sups {
					if m.ID != req.Member.ID && req.Bot().SendMember(ctx, m.ID, note) == nil {
						told = true
					}
				}
				if told {
					msg.Markdown += "\n\n已私信通知主管审核。"
				}
				return req.Reply(ctx, msg)
			}
			if len(sups) > 0 {
				names, ids := knowledgebot.Mention(req.Event.Platform, sups)
				msg.Markdown += fmt.Sprintf("\n\n%s 有新的投稿待审核，发送 /审核 查看。", names)
				msg.Mentions = ids
			}
			return req.Reply(ctx, msg)
		},
	}
}

func (k *Knowledge) askCmd() *bot.Command {
	return &bot.Command{
		Name: "ask", Aliases: []string{"提问"},
		Summary:  "提一个问题：知识库里有答案就直接回复，没有就记录下来，问得多的每周汇总给主管",
		Usage:    "/ask 问题；知识库的答案没解决问题时，在问题前加 ! 或“强制”直接记录",
		Examples: []string{"/ask 直播间抽奖的奖品什么时候发", "/ask ! 运费险多久到账"},
		Role:     bot.RoleAgent, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			q, force := knowledge.CutForce(req.Rest)
			q = strings.TrimSpace(q)
			if q == "" {
				return bot.Usagef("请写上问题。")
			}
			if !force {
				m, err := k.Svc.Answer(ctx, req.Team.ID, q)
				if err != nil {
					return kbErr(err)
				}
				if m != nil {
					k.used(ctx, req, m.Entry.ID)
					return req.ReplyText(ctx, fmt.Sprintf("知识库里已有答案：**%s** %s\n答：%s\n\n发送 /kb %d 查看全文。如果这条没有解决你的问题，发送 /ask ! %s 记录下来。",
						m.Entry.Ref(), m.Entry.Question, m.Entry.Answer, m.Entry.ID, knowledge.Clip(q, 60))+feedbackHint(m.Entry.ID))
				}
			}
			a, err := k.Svc.RecordAsk(ctx, req.Team.ID, kbActor(req), q)
			if err != nil {
				return kbErr(err)
			}
			if force {
				// The base's answer did not help: the weekly list keeps it.
				if err := knowledgebot.MarkForced(ctx, req.Bot().Store, req.Team.ID, a.ID); err != nil {
					return err
				}
			}
			var b strings.Builder
			if a.Count == 1 {
				fmt.Fprintf(&b, "已记录问题：%s\n", knowledge.Clip(q, 60))
			} else {
				fmt.Fprintf(&b, "这个问题已被问过 **%d 次**（%d 人），已累计：%s\n", a.Count, len(a.Askers), knowledge.Clip(a.Question, 60))
			}
			b.WriteString("每周会把问得最多的未解答问题发给主管。知道答案的同事请用 /submit 投稿。")
			if hits, err := k.Svc.Search(ctx, req.Team.ID, q, 3); err == nil && len(hits) > 0 {
				b.WriteString("\n\n知识库里这些条目也许能帮上忙：")
				for _, h := range hits {
					fmt.Fprintf(&b, "\n- %s", knowledgebot.EntryLine(h.Entry))
				}
				b.WriteString("\n发送 /kb 编号 查看全文。")
			}
			return req.ReplyText(ctx, b.String())
		},
	}
}
