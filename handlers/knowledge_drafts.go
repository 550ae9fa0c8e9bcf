package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/lesson"
)

// Quiz drafts (/toquiz) are reviewed in /review and settled with
// /approve 题N (into the question bank, in the team's lesson
// "kb-<team>") or /reject 题N 原因.

// draftRef reads "题3", "题#3", "q3" or "题 3" at the start of args: the
// entry number and the words after it; ok is false for anything else.
func draftRef(args []string) (id int64, rest []string, ok bool) {
	if len(args) == 0 {
		return 0, nil, false
	}
	a := bot.FoldWidth(args[0])
	var num string
	switch {
	case strings.HasPrefix(a, "题目"):
		num = strings.TrimPrefix(a, "题目")
	case strings.HasPrefix(a, "题"):
		num = strings.TrimPrefix(a, "题")
	case strings.HasPrefix(a, "q") || strings.HasPrefix(a, "Q"):
		num = a[1:]
	default:
		return 0, nil, false
	}
	rest = args[1:]
	if num == "" && len(rest) > 0 {
		num, rest = rest[0], rest[1:]
	}
	n, err := strconv.ParseInt(strings.TrimLeft(num, "#"), 10, 64)
	if err != nil || n <= 0 {
		return 0, nil, false
	}
	return n, rest, true
}

// draftLines lists a team's pending quiz drafts for /review ("" for none).
func (k *Knowledge) draftLines(ctx context.Context, team string) (string, int, error) {
	drafts, err := k.Svc.QuizDrafts(ctx, team, knowledge.DraftPending)
	if err != nil || len(drafts) == 0 {
		return "", 0, err
	}
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "**待审核测验题（%d 道，/toquiz 生成）**", len(drafts))
	for i, d := range drafts {
		if i == show {
			fmt.Fprintf(&b, "\n…… 还有 %d 道。", len(drafts)-show)
			break
		}
		n := strings.TrimPrefix(d.ID, "knowledge-")
		fmt.Fprintf(&b, "\n\n**题%s**（来自 #%s，%s）%s", n, n, map[string]string{"single": "单选", "truefalse": "判断"}[d.Type], knowledge.Clip(d.Question, 80))
		for j, o := range d.Options {
			mark := ""
			for _, a := range d.Answer {
				if a == j {
					mark = " ✓"
				}
			}
			if d.Type != "truefalse" {
				fmt.Fprintf(&b, "\n%s. %s%s", lesson.Letter(j), knowledge.Clip(o, 60), mark)
			}
		}
		if d.Type == "truefalse" {
			fmt.Fprintf(&b, "\n答案：%s", d.Options[d.Answer[0]])
		}
		if d.Note != "" {
			fmt.Fprintf(&b, "\n⚠ %s", d.Note)
		}
	}
	b.WriteString("\n\n进题库：/approve 题编号　放弃：/reject 题编号 原因")
	return b.String(), len(drafts), nil
}

// draftQuestion turns a draft into a bank question.
func draftQuestion(team string, d *knowledge.QuizDraft) (lesson.Question, error) {
	q := lesson.Question{ID: "kb-" + team + "-" + strings.TrimPrefix(d.ID, "knowledge-"), Text: d.Question, Explanation: d.Explanation}
	if len(d.Answer) != 1 {
		return q, fmt.Errorf("草稿 %s 的答案不完整", d.ID)
	}
	switch d.Type {
	case "truefalse":
		q.Type = lesson.TrueFalse
		q.Answer = []string{"对"}
		if d.Answer[0] == 1 {
			q.Answer = []string{"错"}
		}
	default:
		q.Type = lesson.Single
		q.Options = append([]string(nil), d.Options...)
		q.Answer = []string{lesson.Letter(d.Answer[0])}
	}
	return q, nil
}

// bankLesson is the id of a team's lesson of approved knowledge questions.
func bankLesson(team string) string { return "kb-" + team }

// addToBank puts q in the team's knowledge lesson, once; it returns the
// lesson and the question's number in it.
func (k *Knowledge) addToBank(ctx context.Context, t *bot.Team, q lesson.Question) (*lesson.Lesson, int, error) {
	return k.Bank.AddQuestion(ctx, &lesson.Lesson{ID: bankLesson(t.ID), Topic: t.Name + "知识库自测", Category: "知识库", Tags: []string{"知识库", t.ID},
		Knowledge: "本课的题目来自" + t.Name + "知识库里审核通过的条目：客服用 /toquiz 出题，主管审核后进入题库。",
		Case:      "这些都是客户真实问过的问题，答案已收录进团队知识库；拿不准时可以先 /ask 查一查。"}, q)
}

// approveDraft is /approve 题N: the question joins the bank, then the draft
// is marked approved (a crash between the two is healed by approving again).
func (k *Knowledge) approveDraft(ctx context.Context, req *bot.Request, id int64) error {
	if k.Bank == nil {
		return bot.Userf("题库未启用，无法把测验题加入题库。")
	}
	actor := kbActor(req)
	if !actor.Supervisor {
		return bot.Userf("只有本团队的主管可以审核测验题。")
	}
	d, err := k.Svc.QuizDraft(ctx, req.Team.ID, id)
	if err != nil {
		return kbErr(err)
	}
	if d.State == knowledge.DraftDiscarded {
		return bot.Userf("题%d 已经放弃，不能再进题库。", id)
	}
	q, err := draftQuestion(req.Team.ID, d)
	if err != nil {
		return bot.Userf("%v", err)
	}
	l, n, err := k.addToBank(ctx, req.Team, q)
	if err != nil {
		return err
	}
	was := d.State
	if _, err := k.Svc.SettleQuizDraft(ctx, req.Team.ID, id, knowledge.DraftApproved, actor); err != nil {
		return kbErr(err)
	}
	if was == knowledge.DraftApproved {
		return req.ReplyText(ctx, fmt.Sprintf("题%d 已经在题库里了：课程「%s」第 %d 题。", id, l.Topic, n))
	}
	return req.ReplyText(ctx, fmt.Sprintf("已把 **题%d** 加入题库：课程「%s」（%s）第 %d 题，可用 /lesson start %s 开课。", id, l.Topic, l.ID, n, l.Topic))
}

// rejectDraft is /reject 题N 原因.
func (k *Knowledge) rejectDraft(ctx context.Context, req *bot.Request, id int64, reason string) error {
	if reason == "" {
		return bot.Usagef("请写明放弃 题%d 的原因。", id)
	}
	if _, err := k.Svc.SettleQuizDraft(ctx, req.Team.ID, id, knowledge.DraftDiscarded, kbActor(req)); err != nil {
		return kbErr(err)
	}
	return req.ReplyText(ctx, fmt.Sprintf("已放弃 **题%d**（原因：%s），不进入题库。", id, reason))
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
