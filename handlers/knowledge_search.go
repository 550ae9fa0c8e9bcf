package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/knowledge/knowledgebot"
)

func (k *Knowledge) kbCmd() *bot.Command {
	return &bot.Command{
		Name: "kb", Aliases: []string{"知识库"},
		Summary:  "搜索团队知识库，或按编号查看一条",
		Usage:    "/kb 关键词 | /kb 编号",
		Examples: []string{"/kb 运费险", "/kb 12"},
		Role:     bot.RoleAgent, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if len(req.Args) == 0 {
				return k.kbStats(ctx, req)
			}
			if len(req.Args) == 1 {
				if id, err := kbID(req.Args[0]); err == nil {
					return k.kbShow(ctx, req, id)
				}
			}
			q := strings.TrimSpace(req.Rest)
			hits, err := k.Svc.Search(ctx, req.Team.ID, q, 5)
			if err != nil {
				return kbErr(err)
			}
			if len(hits) == 0 {
				return req.ReplyText(ctx, fmt.Sprintf("知识库里没有找到“%s”。试试换个说法；如果确实没人知道，可以用 /ask %s 记录下来。", knowledge.Clip(q, 30), knowledge.Clip(q, 30)))
			}
			var b strings.Builder
			fmt.Fprintf(&b, "**知识库搜索：%s**（%d 条）", knowledge.Clip(q, 30), len(hits))
			for i, h := range hits {
				fmt.Fprintf(&b, "\n%d. **%s** %s\n   %s", i+1, h.Entry.Ref(), knowledge.Clip(h.Entry.Question, 40), knowledge.Clip(h.Entry.Answer, 60))
			}
			b.WriteString("\n发送 /kb 编号 查看全文。")
			return req.ReplyText(ctx, b.String())
		},
	}
}

func (k *Knowledge) kbStats(ctx context.Context, req *bot.Request) error {
	st, err := k.Svc.Stats(ctx, req.Team.ID)
	if err != nil {
		return err
	}
	return req.ReplyText(ctx, fmt.Sprintf("**%s 知识库**：已发布 %d 条，待审核 %d 条，需复核 %d 条，已下线 %d 条。\n%s",
		req.Team.Name, st.ByState[knowledge.Approved], st.ByState[knowledge.Pending], st.Due, st.ByState[knowledge.Retired], req.Command.UsageText()))
}

func (k *Knowledge) kbShow(ctx context.Context, req *bot.Request, id int64) error {
	e, err := k.Svc.Get(ctx, req.Team.ID, id)
	if err != nil {
		return kbErr(err)
	}
	actor := kbActor(req)
	if e.State != knowledge.Approved && !actor.Supervisor && e.Submitter != actor.ID {
		return bot.Userf("%s 不在知识库中（%s）。", e.Ref(), e.State.Label())
	}
	text := kbEntryText(e, req.Bot().Location(), req.Now())
	if e.State == knowledge.Approved {
		k.used(ctx, req, e.ID)
		text += "\n" + feedbackHint(e.ID)
	}
	return req.ReplyText(ctx, text)
}

// kbEntryText renders one entry in full.
func kbEntryText(e *knowledge.Entry, loc *time.Location, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s %s**（%s）\n", e.Ref(), e.Question, e.State.Label())
	if len(e.Similar) > 0 {
		fmt.Fprintf(&b, "相似问：%s\n", strings.Join(e.Similar, "；"))
	}
	fmt.Fprintf(&b, "答：%s\n", e.Answer)
	fmt.Fprintf(&b, "分类：%s", e.Category())
	if len(e.Tags) > 1 {
		fmt.Fprintf(&b, "（标签：%s）", strings.Join(e.Tags, "、"))
	}
	fmt.Fprintf(&b, "\n投稿：%s · %s", e.SubmitterName, knowledgebot.Date(e.Created, loc))
	switch e.State {
	case knowledge.Approved:
		due := "下次复核：" + knowledgebot.Date(e.VerifyDue, loc)
		if e.Due(now) {
			due = "**已到复核日期**（" + knowledgebot.Date(e.VerifyDue, loc) + "），请负责人发送 /verify " + strconv.FormatInt(e.ID, 10)
		}
		fmt.Fprintf(&b, "\n负责人：%s · %s", e.OwnerName, due)
	case knowledge.Rejected, knowledge.Retired:
		fmt.Fprintf(&b, "\n原因：%s", e.Reason)
	}
	return b.String()
}
