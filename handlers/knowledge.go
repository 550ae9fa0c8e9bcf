package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/lesson"
)

// Knowledge is the knowledge-crowdsourcing feature in the chat: submitting,
// asking, searching, reviewing and keeping entries fresh.
type Knowledge struct {
	Svc *knowledge.Service
	// Words (optional) runs the 话术 check on submitted answers and in /review.
	Words *Wording
	// Prune decides which entries the weekly review proposes to retire
	// (zero: knowledge.DefaultPruneRules).
	Prune knowledge.PruneRules
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
	a.Supervisor = req.Role >= bot.RoleManager || req.Role >= bot.RoleSupervisor && kbInTeam(req.Member, req.Team)
	return a
}

func kbInTeam(m *bot.Member, t *bot.Team) bool {
	if m == nil || t == nil {
		return false
	}
	for _, id := range m.Teams {
		if id == t.ID {
			return true
		}
	}
	return false
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

// kbSupervisors are the team's supervisors (its managers when it has none).
func kbSupervisors(b *bot.Bot, t *bot.Team) []*bot.Member {
	if sups := b.Directory.Supervisors(t.ID); len(sups) > 0 {
		return sups
	}
	var managers []*bot.Member
	for _, m := range t.Members {
		if b.Directory.RoleOf(m) >= bot.RoleManager {
			managers = append(managers, m)
		}
	}
	return managers
}

// kbMention is "@name …" for markdown and the platform user ids for Mentions.
func kbMention(platform string, ms []*bot.Member) (string, []string) {
	var names, ids []string
	for _, m := range ms {
		names = append(names, "@"+m.Name)
		if id := m.UserID(platform); id != "" {
			ids = append(ids, id)
		}
	}
	return strings.Join(names, " "), ids
}

func kbDate(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02") }

func kbLine(e *knowledge.Entry) string {
	return fmt.Sprintf("%s %s", e.Ref(), knowledge.Clip(e.Question, 40))
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
					fmt.Fprintf(&b, "\n- %s（%s，相似度 %.0f%%）", kbLine(m.Entry), m.Entry.State.Label(), m.Score*100)
				}
				b.WriteString("\n发送 /kb 编号 查看；如果重复，主管审核时会处理。")
			}
			msg := bot.Message{Markdown: b.String()}
			sups := kbSupervisors(req.Bot(), req.Team)
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
				names, ids := kbMention(req.Event.Platform, sups)
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
				if err := req.Bot().Store.Put(ctx, kbForcedAsks, kbAskKey(req.Team.ID, a.ID), []byte("1")); err != nil {
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
					fmt.Fprintf(&b, "\n- %s", kbLine(h.Entry))
				}
				b.WriteString("\n发送 /kb 编号 查看全文。")
			}
			return req.ReplyText(ctx, b.String())
		},
	}
}

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
	fmt.Fprintf(&b, "\n投稿：%s · %s", e.SubmitterName, kbDate(e.Created, loc))
	switch e.State {
	case knowledge.Approved:
		due := "下次复核：" + kbDate(e.VerifyDue, loc)
		if e.Due(now) {
			due = "**已到复核日期**（" + kbDate(e.VerifyDue, loc) + "），请负责人发送 /verify " + strconv.FormatInt(e.ID, 10)
		}
		fmt.Fprintf(&b, "\n负责人：%s · %s", e.OwnerName, due)
	case knowledge.Rejected, knowledge.Retired:
		fmt.Fprintf(&b, "\n原因：%s", e.Reason)
	}
	return b.String()
}

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
					kbDate(e.Created, req.Bot().Location()), knowledge.Clip(e.Question, 60), knowledge.Clip(e.Answer, 120))
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
	if req.Event.ChatType != bot.ChatSingle && kbInTeam(sub, req.Team) {
		names, ids := kbMention(req.Event.Platform, []*bot.Member{sub})
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
	if req.Event.ChatType != bot.ChatSingle && req.Event.SenderID != "" {
		msg.OnlyFor = []string{req.Event.SenderID}
	}
	sub := req.Bot().Directory.Member(e.Submitter)
	switch {
	case sub == nil || sub.ID == req.Member.ID:
	case req.Bot().SendMember(ctx, sub.ID, bot.Message{Markdown: outcome}) == nil:
		msg.Markdown += fmt.Sprintf("已私信告知 %s 原因。", sub.Name)
	default:
		req.Bot().Logger().Warn("knowledge outcome not delivered", "user_id", sub.ID)
		msg.Markdown += fmt.Sprintf("没能私信通知 %s（TA 没有可用的私聊），请当面告知原因。", sub.Name)
	}
	return req.Reply(ctx, msg)
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
			reply := fmt.Sprintf("已通过 **%s**，已加入知识库%s。负责人：%s，下次复核：%s。", e.Ref(), edited, e.OwnerName, kbDate(e.VerifyDue, loc))
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
			return req.ReplyText(ctx, fmt.Sprintf("已复核 **%s**，下次复核：%s。谢谢 %s！", e.Ref(), kbDate(e.VerifyDue, req.Bot().Location()), req.Member.Name))
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

func (k *Knowledge) toQuizCmd() *bot.Command {
	return &bot.Command{
		Name: "toquiz", Aliases: []string{"转题"},
		Summary:  "把一条知识做成测验题草稿，等主管审核进题库",
		Usage:    "/toquiz 编号",
		Examples: []string{"/toquiz 3"},
		Role:     bot.RoleAgent, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			id, err := kbID(req.Args[0])
			if err != nil {
				return err
			}
			d, created, err := k.Svc.ToQuiz(ctx, req.Team.ID, id, kbActor(req))
			if err != nil {
				return kbErr(err)
			}
			var b strings.Builder
			if created {
				fmt.Fprintf(&b, "已把 #%d 做成测验题草稿 **题%d**，等主管在 /review 里审核后进入题库：\n", id, id)
			} else {
				fmt.Fprintf(&b, "#%d 已有测验题草稿（%s）：\n", id, kbDraftState(d.State))
			}
			fmt.Fprintf(&b, "**%s**", d.Question)
			for i, o := range d.Options {
				mark := ""
				for _, a := range d.Answer {
					if a == i {
						mark = " ✓"
					}
				}
				fmt.Fprintf(&b, "\n%c. %s%s", 'A'+i, o, mark)
			}
			if d.Note != "" && d.State == knowledge.DraftPending {
				fmt.Fprintf(&b, "\n\n⚠ %s", d.Note)
			}
			return req.ReplyText(ctx, b.String())
		},
	}
}

func kbDraftState(s string) string {
	switch s {
	case knowledge.DraftApproved:
		return "已进题库"
	case knowledge.DraftDiscarded:
		return "已放弃"
	}
	return "待审核"
}
