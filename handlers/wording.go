package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/wording"
)

// Wording is the 话术 check in the chat: /check answers privately with what
// a reply gets wrong and a warmer one from the team's approved answers;
// /words lets the supervisor keep the team's lists. Knowledge (optional)
// supplies the approved answers to suggest.
type Wording struct {
	Repo      *wording.Repo
	Weights   wording.Weights
	Knowledge *knowledge.Service
}

// Commands lists /check and /words.
func (w *Wording) Commands() []*bot.Command { return []*bot.Command{w.checkCmd(), w.wordsCmd()} }

// Checked is one reply checked with a team's lists: the result and, when
// an approved answer is warmer, that answer and its reading.
type Checked struct {
	*wording.Result
	Suggestion *wording.Candidate
	SuggestR   *wording.Result
}

// Check reads text with the team's lists and looks for a warmer approved
// answer on the same subject.
func (w *Wording) Check(ctx context.Context, team, text string) (*Checked, error) {
	lists, err := w.Repo.Lists(ctx, team)
	if err != nil {
		return nil, err
	}
	c := wording.Checker{Lists: lists, Weights: w.Weights}
	out := &Checked{Result: c.Check(text)}
	if w.Knowledge != nil {
		q := knowledge.Clip(text, w.Knowledge.Settings().MaxQuestion-1)
		hits, err := w.Knowledge.Search(ctx, team, q, 5)
		var ke *knowledge.Error
		if err != nil && !errors.As(err, &ke) {
			return nil, err
		}
		var cands []wording.Candidate
		for _, h := range hits {
			if h.Entry.State == knowledge.Approved {
				cands = append(cands, wording.Candidate{Ref: h.Entry.Ref(), Answer: h.Entry.Answer})
			}
		}
		out.Suggestion, out.SuggestR = c.Suggest(out.Result, cands)
	}
	return out, nil
}

// Line is the check in one line, for /submit and /review.
func (c *Checked) Line() string {
	s := fmt.Sprintf("话术温度 %d°（%s）", c.Temperature, wording.Band(c.Temperature))
	if t := c.Taboo(); len(t) > 0 {
		s += "，禁忌用语：" + hitWords(t)
	}
	if a := c.Absolute(); len(a) > 0 {
		s += "，绝对化用语：" + hitWords(a)
	}
	if c.Solution.Score == 0 {
		s += "，缺少解决方案"
	}
	if c.Care.Score == 0 {
		s += "，缺少情感关怀"
	}
	return s
}

func hitWords(hs []wording.Hit) string {
	var ws []string
	for _, h := range hs {
		ws = append(ws, "“"+h.Word+"”")
	}
	return strings.Join(ws, "、")
}

// Text renders the check in full.
func (c *Checked) Text(weights wording.Weights) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**话术检查** 🌡 %d°（%s）\n", c.Temperature, wording.Band(c.Temperature))
	part := func(name string, weight int, p wording.Part, cuesLabel string) {
		fmt.Fprintf(&b, "- %s %.0f%% × %d%%", name, p.Score*100, weight)
		if len(p.Cues) > 0 {
			fmt.Fprintf(&b, "（%s：%s）", cuesLabel, strings.Join(p.Cues, "、"))
		}
		b.WriteString("\n")
	}
	part("肯定句", weights.Affirm, c.Affirm, "含否定或推脱的句子")
	part("解决方案", weights.Solution, c.Solution, "看到")
	part("情感关怀", weights.Care, c.Care, "看到")
	for _, h := range c.Taboo() {
		fmt.Fprintf(&b, "⛔ 禁忌用语“%s”", h.Word)
		if h.Instead != "" {
			fmt.Fprintf(&b, " → 改说“%s”", h.Instead)
		}
		b.WriteString("\n")
	}
	for _, h := range c.Absolute() {
		fmt.Fprintf(&b, "⚠ 绝对化用语“%s”（广告法禁止）→ %s\n", h.Word, h.Instead)
	}
	for _, m := range c.Missing {
		fmt.Fprintf(&b, "➕ 缺少%s\n", m)
	}
	switch {
	case c.Suggestion != nil:
		fmt.Fprintf(&b, "\n💡 参考知识库 %s 的回复（🌡 %d°）：\n%s", c.Suggestion.Ref, c.SuggestR.Temperature, knowledge.Clip(c.Suggestion.Answer, 300))
	default:
		if r, ok := c.Rewrite(); ok {
			fmt.Fprintf(&b, "\n💡 可以这样改：\n%s", r)
		} else if c.Clean() && c.Temperature >= 80 {
			b.WriteString("\n👍 没有禁忌用语和绝对化用语，可以直接使用。")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (w *Wording) checkCmd() *bot.Command {
	return &bot.Command{
		Name: "check", Aliases: []string{"话术"},
		Summary:  "检查一条回复的话术：禁忌用语、广告法绝对化用语、话术温度（只私信给你）",
		Usage:    "/check 回复内容",
		Examples: []string{"/check 亲，这个我不清楚，你自己看详情页吧", "/话术 非常抱歉让您久等了，我马上为您查询物流，2小时内回复您"},
		Role:     bot.RoleAgent, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			text := strings.TrimSpace(req.Rest)
			c, err := w.Check(ctx, req.Team.ID, text)
			if err != nil {
				return err
			}
			return replyPrivately(ctx, req, bot.Message{Markdown: c.Text(w.Weights)}, "话术检查结果")
		},
	}
}

// replyPrivately answers in the sender's private chat: directly when the
// request came from it, else by direct message with a short note in the
// group (what saying it there). Where the sender cannot be reached
// privately, it says so in the group without the content.
func replyPrivately(ctx context.Context, req *bot.Request, msg bot.Message, what string) error {
	if req.Event.ChatType == bot.ChatSingle {
		return req.Reply(ctx, msg)
	}
	err := req.Bot().SendMember(ctx, req.Member.ID, msg)
	if errors.Is(err, bot.ErrNoDestination) {
		return bot.Userf("%s 只能私信给你，但班组助手联系不到你的私聊。请在和班组助手的私聊里再发一次。", what)
	}
	if err != nil {
		return err
	}
	return req.ReplyText(ctx, fmt.Sprintf("%s已私信给 %s。", what, req.Member.Name))
}

func (w *Wording) wordsCmd() *bot.Command {
	return &bot.Command{
		Name: "words", Aliases: []string{"词库"},
		Summary: "查看或维护本团队的禁忌用语和绝对化用语",
		Usage:   "/words [add|remove 禁忌|绝对 词1 词2 …]",
		Examples: []string{"/words", "/words add 禁忌 亲你懂吗", "/words remove 绝对 第一",
			"/words add 绝对 全国销量冠军"},
		Role: bot.RoleSupervisor, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if len(req.Args) == 0 {
				l, err := w.Repo.Lists(ctx, req.Team.ID)
				if err != nil {
					return err
				}
				return req.ReplyText(ctx, fmt.Sprintf("**%s 话术词库**\n禁忌用语（%d）：%s\n绝对化用语（%d）：%s\n\n%s",
					req.Team.Name, len(l.Taboo), joinOrNone(l.Taboo), len(l.Absolute), joinOrNone(l.Absolute), req.Command.Usage))
			}
			var remove bool
			switch strings.ToLower(req.Args[0]) {
			case "add", "添加", "加":
			case "remove", "rm", "删除", "删":
				remove = true
			default:
				return bot.Usagef("第一个参数应为 add 或 remove，得到“%s”。", req.Args[0])
			}
			if len(req.Args) < 3 {
				return bot.Usagef("请写上哪个词库（禁忌 或 绝对）和词语。")
			}
			kind, ok := wording.ParseKind(req.Args[1])
			if !ok {
				return bot.Usagef("不认识的词库“%s”，可用：禁忌、绝对。", req.Args[1])
			}
			for _, word := range req.Args[2:] {
				if n := len([]rune(word)); n > 20 {
					return bot.Userf("“%s”太长了（%d 字），词语最多 20 个字。", knowledge.Clip(word, 20), n)
				}
			}
			_, changed, err := w.Repo.Change(ctx, req.Team.ID, kind, req.Args[2:], remove)
			if err != nil {
				return err
			}
			verb := "加入"
			if remove {
				verb = "移出"
			}
			if len(changed) == 0 {
				return req.ReplyText(ctx, fmt.Sprintf("%s没有变化（词语已经%s）。", wording.KindLabel(kind), map[bool]string{false: "在词库里", true: "不在词库里"}[remove]))
			}
			req.Bot().Logger().Info("wording list changed", "team_id", req.Team.ID, "kind", kind, "remove", remove, "words", len(changed), "user_id", req.Member.ID)
			return req.ReplyText(ctx, fmt.Sprintf("已把 %s %s本团队的%s。", strings.Join(changed, "、"), verb, wording.KindLabel(kind)))
		},
	}
}

func joinOrNone(ws []string) string {
	if len(ws) == 0 {
		return "（空）"
	}
	return strings.Join(ws, "、")
}

// wordingLine is the 话术 check of an answer in one line, "" without a
// checker or when the lists cannot be read (the check is advice: the
// submission or review goes on without it).
func (k *Knowledge) wordingLine(ctx context.Context, team, answer string) string {
	if k.Words == nil {
		return ""
	}
	lists, err := k.Words.Repo.Lists(ctx, team)
	if err != nil {
		return ""
	}
	r := wording.Checker{Lists: lists, Weights: k.Words.Weights}.Check(answer)
	return (&Checked{Result: r}).Line()
}
