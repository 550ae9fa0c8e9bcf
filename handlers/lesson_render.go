package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

func hhmm(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04") }

func renderKnowledge(s *lesson.Session, les *lesson.Lesson, o lesson.Options, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**📚 每日微课堂 · %s**（%s）\n", les.Topic, les.Category)
	fmt.Fprintf(&b, "今天 15 分钟：知识点 %d 分钟 → 案例讨论 %d 分钟 → 小测验 → %s 前公布成绩。",
		int(o.KnowledgeFor.Minutes()), int(o.CaseFor.Minutes()), hhmm(s.EndAt(), loc))
	if s.Reason != "" {
		fmt.Fprintf(&b, "\n选题：%s", s.Reason)
	}
	fmt.Fprintf(&b, "\n\n**知识点**\n%s", strings.TrimSpace(les.Knowledge))
	return b.String()
}

func renderCase(s *lesson.Session, les *lesson.Lesson, loc *time.Location) string {
	quizAt := s.EndAt()
	if len(s.Questions) > 0 {
		quizAt = s.Questions[0].OpenAt
	}
	return fmt.Sprintf("**🗣 案例讨论 · %s**\n%s\n\n**讨论**：%s\n请大家直接在群里说说你的做法，%s 开始小测验。",
		les.Topic, strings.TrimSpace(les.Case), strings.TrimSpace(les.Prompt), hhmm(quizAt, loc))
}

func renderQuizIntro(s *lesson.Session) string {
	return fmt.Sprintf("**✍️ %s开始**：共 %d 题，每题 %d 秒，答对越快得分越高。\n作答：点选项按钮，或发送 @班组助手 A（多选 AC，判断 对/错，填空直接写答案），也可用 /a A。每题只算第一次回答，题目结束后公布答案。",
		quizName(s), len(s.Questions), int(s.Limit.Seconds()))
}

func quizName(s *lesson.Session) string {
	if s.Kind == lesson.KindContest {
		return "季度服务技能大练兵"
	}
	return "小测验"
}

// cardID names a session question's card; a click carries it back.
func cardID(s *lesson.Session, i int) string { return fmt.Sprintf("lesson:%s:%d", s.ID, i) }

// submitOption is the extra option of a multiple-choice card that submits
// the options tapped so far.
const submitOption = "submit"

func questionTitle(prefix string, i, n int, q *lesson.Question, limit time.Duration) string {
	t := fmt.Sprintf("%s第 %d/%d 题 · %s", prefix, i+1, n, q.Type.Label())
	if limit > 0 {
		t += fmt.Sprintf(" · %d 秒", int(limit.Seconds()))
	}
	return t
}

// questionCard renders a question as a card (choice, true/false) or as text
// (fill-in). perm maps displayed positions to option indexes.
func questionCard(id, title, note string, q *lesson.Question, perm []int) bot.Message {
	text := q.Text
	if note != "" {
		text += "\n" + note
	}
	switch q.Type {
	case lesson.Fill:
		return bot.Message{Markdown: fmt.Sprintf("**%s**\n%s\n请发送 @班组助手 你的答案（或 /a 答案）", title, text)}
	case lesson.TrueFalse:
		return bot.Message{Title: title, Card: &bot.Card{ID: id, Title: title, Text: text,
			Options: []bot.CardOption{{ID: "A", Label: "对"}, {ID: "B", Label: "错"}}}}
	}
	c := &bot.Card{ID: id, Title: title, Text: text, Multiple: q.Type == lesson.Multiple}
	for d := range q.Options {
		o := d
		if perm != nil {
			o = perm[d]
		}
		c.Options = append(c.Options, bot.CardOption{ID: lesson.Letter(d), Label: lesson.Letter(d) + ". " + q.Options[o]})
	}
	if c.Multiple {
		c.Text += "\n（多选：依次点选后点「提交」，或发送 @班组助手 AC）"
		c.Options = append(c.Options, bot.CardOption{ID: submitOption, Label: "提交"})
	}
	return bot.Message{Title: title, Card: c}
}

func questionMessage(s *lesson.Session, i int, q *lesson.Question, dir *bot.Directory) bot.Message {
	sq := s.Questions[i]
	note := ""
	if len(sq.Review) > 0 {
		note = "（错题回顾：" + strings.Join(memberNames(dir, sq.Review), "、") + " 之前答错过这题）"
	}
	return questionCard(cardID(s, i), questionTitle("", i, len(s.Questions), q, s.Limit), note, q, sq.Perm)
}

func memberNames(dir *bot.Directory, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if m := dir.Member(id); m != nil {
			out = append(out, m.Name)
		} else {
			out = append(out, id)
		}
	}
	return out
}

func secs(ms int64) string { return fmt.Sprintf("%.1f 秒", float64(ms)/1000) }

func renderReveal(s *lesson.Session, i int, q *lesson.Question, answers []lesson.Answer) string {
	right := 0
	fastest, fastMS := "", int64(0)
	for _, a := range answers {
		if a.Correct {
			right++
			if fastest == "" || a.Elapsed < fastMS {
				fastest, fastMS = a.Name, a.Elapsed
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**第 %d 题结束 · 答案：%s**\n", i+1, lesson.CorrectDisplayed(q, s.Questions[i].Perm))
	if len(answers) == 0 {
		b.WriteString("这题没有人作答。")
	} else {
		fmt.Fprintf(&b, "答对 %d/%d 人", right, len(answers))
		if fastest != "" {
			fmt.Fprintf(&b, "，最快答对：%s（%s）", fastest, secs(fastMS))
		}
		b.WriteString("。")
	}
	return b.String()
}

func renderResults(s *lesson.Session, bank *lesson.Bank, res lesson.Results, team *bot.Team, solver, speed string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**🏁 %s成绩 · %s**\n", map[bool]string{true: "大练兵", false: "微课堂"}[s.Kind == lesson.KindContest], s.Topic)
	b.WriteString("\n**答案与解析**\n")
	asked := s.Asked()
	for i := 0; i < asked; i++ {
		sq := s.Questions[i]
		q, _ := bank.Question(sq.QID)
		if q == nil {
			continue
		}
		if sq.Skipped {
			fmt.Fprintf(&b, "%d. （未出题）%s\n", i+1, q.Text)
			continue
		}
		fmt.Fprintf(&b, "%d. %s\n　答案：**%s**。%s\n", i+1, q.Text, lesson.CorrectDisplayed(q, sq.Perm), q.Explanation)
	}
	b.WriteString("\n**排行榜**\n")
	if len(res.Members) == 0 {
		b.WriteString("本次没有人作答。\n")
	}
	medals := []string{"🥇", "🥈", "🥉"}
	for i, m := range res.Members {
		rank := fmt.Sprintf("%d.", i+1)
		if i < len(medals) && m.Score > 0 {
			rank = medals[i]
		}
		fmt.Fprintf(&b, "%s %s %d 分（答对 %d/%d）\n", rank, m.Name, m.Score, m.Correct, asked)
	}
	if team != nil {
		attended := map[string]bool{}
		for _, m := range res.Members {
			attended[m.Member] = true
		}
		var in, out []string
		for _, m := range team.Members {
			if m.Role >= bot.RoleSupervisor && !attended[m.ID] {
				continue
			}
			if attended[m.ID] {
				in = append(in, m.Name)
			} else {
				out = append(out, m.Name)
			}
		}
		fmt.Fprintf(&b, "\n**出勤**：%d/%d 人参加", len(in), len(in)+len(out))
		if len(out) > 0 {
			fmt.Fprintf(&b, "；未参加：%s", strings.Join(out, "、"))
		}
		b.WriteString("\n")
	}
	if s.Kind == lesson.KindContest {
		b.WriteString("\n**本季称号**\n")
		names := func(id string) string {
			for _, m := range res.Members {
				if m.Member == id {
					return m.Name
				}
			}
			return "暂无（没有人达到条件）"
		}
		fmt.Fprintf(&b, "🏆 问题终结者（答对最多）：%s\n⚡ 服务速度王（正确率 80%% 以上、平均用时最短）：%s\n", names(solver), names(speed))
	}
	var review []string
	for _, m := range res.Members {
		if len(m.Wrong) == 0 {
			continue
		}
		var qs []string
		for _, w := range m.Wrong {
			qs = append(qs, fmt.Sprint(w+1))
		}
		review = append(review, fmt.Sprintf("- %s：第 %s 题", m.Name, strings.Join(qs, "、")))
	}
	if len(review) > 0 {
		b.WriteString("\n**建议复习**（答错的题已加入各自的错题本）\n")
		b.WriteString(strings.Join(review, "\n"))
		b.WriteString("\n发送 /错题本 查看，/复习 练习。")
	} else if len(res.Members) > 0 {
		b.WriteString("\n全部答对，今天没有新增错题 👏")
	}
	return strings.TrimRight(b.String(), "\n")
}
