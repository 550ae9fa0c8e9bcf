package lessonbot

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
	fmt.Fprintf(&b, "今天 15 分钟：知识点 %d 分钟 → 案例讨论 %d 分钟 → %s → %s 前公布成绩。",
		int(o.KnowledgeFor.Minutes()), int(o.CaseFor.Minutes()), quizName(s), hhmm(s.EndAt(), loc))
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
	if p := s.Practice; p != nil {
		// 实操演练 takes the quiz's place: no questions to explain.
		return fmt.Sprintf("**🗣 案例讨论 · %s**\n%s\n\n**讨论**：%s\n请大家直接在群里说说你的做法，%s 开始实操演练。\n\n**实操演练**：到时群里会贴出顾客的消息，请私聊班组助手发送 /reply 你的回复，按话术和本课要点评分，结束时展示最佳回复。",
			les.Topic, strings.TrimSpace(les.Case), strings.TrimSpace(les.Prompt), hhmm(p.OpenAt, loc))
	}
	return fmt.Sprintf("**🗣 案例讨论 · %s**\n%s\n\n**讨论**：%s\n请大家直接在群里说说你的做法，%s 开始小测验。\n\n%s",
		les.Topic, strings.TrimSpace(les.Case), strings.TrimSpace(les.Prompt), hhmm(quizAt, loc), quizHowTo(s, "**"+quizName(s)+"**"))
}

// quizHowTo says how to answer; a lesson's case post carries it, so the quiz
// needs no post of its own.
func quizHowTo(s *lesson.Session, head string) string {
	return fmt.Sprintf("%s：共 %d 题，每题 %d 秒，答对越快得分越高。作答：点选项按钮，或发送 @班组助手 A（多选 AC，判断 对/错，填空直接写答案），也可用 /a A。你的答案只有你自己看得到，每题只算第一次回答，最后统一公布答案和成绩。",
		head, len(s.Questions), int(s.Limit.Seconds()))
}

func renderQuizIntro(s *lesson.Session) string {
	return quizHowTo(s, "**✍️ "+quizName(s)+"开始**")
}

func quizName(s *lesson.Session) string {
	if s.Kind == lesson.KindContest {
		return "季度服务技能大练兵"
	}
	if s.Practice != nil {
		return "实操演练"
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

// questionMessage is question i's card, with the previous question's
// answer riding on it rather than a post of its own.
func questionMessage(s *lesson.Session, i int, q *lesson.Question, dir *bot.Directory) bot.Message {
	sq := s.Questions[i]
	note := ""
	if len(sq.Review) > 0 {
		// The group reads this card: say how many, never who (who got what
		// wrong is private to each person and their supervisor).
		note = fmt.Sprintf("（错题回顾：%d 位同事之前答错过这题）", len(sq.Review))
	}
	if sq.Prev != "" {
		note = strings.TrimSpace(note + "\n" + sq.Prev)
	}
	return questionCard(cardID(s, i), questionTitle("", i, len(s.Questions), q, s.Limit), note, q, sq.Perm)
}

// withNote is a question card with a line for the person who tapped it (the
// choice so far, or that the answer is in).
func withNote(m bot.Message, note string) bot.Message {
	if m.Card == nil {
		return bot.Message{Markdown: m.Markdown + "\n" + note}
	}
	c := *m.Card
	c.Text += "\n" + note
	m.Card = &c
	return m
}

func secs(ms int64) string { return fmt.Sprintf("%.1f 秒", float64(ms)/1000) }

// revealLine is question i's answer in one line, for the next question's card.
func revealLine(s *lesson.Session, i int, q *lesson.Question, answers []lesson.Answer) string {
	right := 0
	for _, a := range answers {
		if a.Correct {
			right++
		}
	}
	line := fmt.Sprintf("上一题（第 %d 题）答案：**%s**", i+1, lesson.CorrectDisplayed(q, s.Questions[i].Perm))
	if len(answers) > 0 {
		line += fmt.Sprintf("，答对 %d/%d 人", right, len(answers))
	}
	return line + "。"
}

// renderResults is the one results post in the group: the answers with
// their explanations, the top 3 and the team's accuracy. Who was absent and
// who got what wrong go to people privately (renderOwnResult,
// renderSupervisorResult).
func renderResults(s *lesson.Session, bank *lesson.Bank, res lesson.Results, team *bot.Team, solver, speed, note string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**🏁 %s成绩 · %s**\n", map[bool]string{true: "大练兵", false: "微课堂"}[s.Kind == lesson.KindContest], s.Topic)
	if note != "" {
		b.WriteString(note + "\n")
	}
	b.WriteString("\n**答案与解析**\n")
	asked := s.Asked()
	put := 0
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
		put++
		stat := ""
		if i < len(res.Questions) && res.Questions[i].Answered > 0 {
			stat = fmt.Sprintf("（答对 %d/%d 人）", res.Questions[i].Correct, res.Questions[i].Answered)
		}
		fmt.Fprintf(&b, "%d. %s\n　答案：**%s**%s。%s\n", i+1, q.Text, lesson.CorrectDisplayed(q, sq.Perm), stat, q.Explanation)
	}
	b.WriteString("\n**前三名**\n")
	if len(res.Members) == 0 {
		b.WriteString("本次没有人作答。\n")
	}
	medals := []string{"🥇", "🥈", "🥉"}
	for i, m := range res.Members {
		if i >= len(medals) || m.Score <= 0 {
			break
		}
		fmt.Fprintf(&b, "%s %s %d 分（答对 %d/%d）\n", medals[i], m.Name, m.Score, m.Correct, asked)
	}
	correct := 0
	for _, m := range res.Members {
		correct += m.Correct
	}
	b.WriteString("\n**全队**：")
	if team != nil {
		fmt.Fprintf(&b, "参加 %d/%d 人", len(res.Members), len(agentsOrAttending(team, res)))
	} else {
		fmt.Fprintf(&b, "参加 %d 人", len(res.Members))
	}
	if n := len(res.Members) * put; n > 0 {
		fmt.Fprintf(&b, "，正确率 %d%%", (correct*100+n/2)/n)
	}
	b.WriteString("。\n")
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
	if len(res.Members) > 0 {
		b.WriteString("\n每个人的得分和答错的题已私信发给本人，答错的题已加入各自的错题本：发送 /错题本 查看，/复习 练习。")
	}
	return strings.TrimRight(b.String(), "\n")
}

// agentsOrAttending lists who a lesson is for: the team's agents and anyone
// else who took part (a supervisor who answered counts, one who did not is
// not absent).
func agentsOrAttending(team *bot.Team, res lesson.Results) []*bot.Member {
	attended := map[string]bool{}
	for _, m := range res.Members {
		attended[m.Member] = true
	}
	var out []*bot.Member
	for _, m := range team.Members {
		if m.Role < bot.RoleSupervisor || attended[m.ID] {
			out = append(out, m)
		}
	}
	return out
}

// renderOwnResult is one person's result, sent to them privately: score,
// rank, and each question they got wrong or left with the right answer.
func renderOwnResult(s *lesson.Session, bank *lesson.Bank, res lesson.Results, rank int, mine []lesson.Answer) string {
	m := res.Members[rank]
	asked := s.Asked()
	var b strings.Builder
	fmt.Fprintf(&b, "**你的%s成绩 · %s**\n%d 分，第 %d/%d 名，答对 %d/%d 题。", map[bool]string{true: "大练兵", false: "微课堂"}[s.Kind == lesson.KindContest], s.Topic, m.Score, rank+1, len(res.Members), m.Correct, asked)
	given := map[int]lesson.Answer{}
	for _, a := range mine {
		given[a.Q] = a
	}
	var lines []string
	for i := 0; i < asked; i++ {
		sq := s.Questions[i]
		a, ok := given[i]
		if sq.Skipped || (ok && a.Correct) {
			continue
		}
		q, _ := bank.Question(sq.QID)
		if q == nil {
			continue
		}
		yours := "未作答"
		if ok {
			yours = "你的答案 " + lesson.Describe(q, a.Resp)
		}
		lines = append(lines, fmt.Sprintf("%d. %s\n　%s，正确答案 **%s**。%s", i+1, q.Text, yours, lesson.CorrectDisplayed(q, sq.Perm), q.Explanation))
	}
	if len(lines) == 0 {
		b.WriteString("全部答对 👏")
		return b.String()
	}
	b.WriteString("\n\n**答错或没答的题**\n")
	b.WriteString(strings.Join(lines, "\n"))
	if len(m.Wrong) > 0 {
		b.WriteString("\n答错的题已加入你的错题本，发送 /复习 练习。")
	}
	return b.String()
}

// renderSupervisorResult is what a supervisor gets privately after a
// lesson: who was absent and who got which questions wrong.
func renderSupervisorResult(s *lesson.Session, res lesson.Results, team *bot.Team) string {
	var b strings.Builder
	name := ""
	if team != nil {
		name = team.Name + " · "
	}
	// 微课「7天无理由退货」; a contest's topic names itself (季度服务技能大练兵).
	what := KindLabel(s.Kind)
	if strings.Contains(s.Topic, what) {
		what = s.Topic
	} else if s.Topic != "" {
		what += "「" + s.Topic + "」"
	}
	fmt.Fprintf(&b, "**%s%s · 参加与答错情况**（仅主管可见）\n", name, what)
	if team != nil {
		attended := map[string]bool{}
		for _, m := range res.Members {
			attended[m.Member] = true
		}
		var out []string
		for _, m := range agentsOrAttending(team, res) {
			if !attended[m.ID] {
				out = append(out, m.Name)
			}
		}
		fmt.Fprintf(&b, "参加 %d/%d 人", len(res.Members), len(res.Members)+len(out))
		if len(out) > 0 {
			fmt.Fprintf(&b, "；未参加：%s", strings.Join(out, "、"))
		}
		b.WriteString("。\n")
	}
	var wrong []string
	for _, m := range res.Members {
		if len(m.Wrong) == 0 {
			continue
		}
		var qs []string
		for _, w := range m.Wrong {
			qs = append(qs, fmt.Sprint(w+1))
		}
		wrong = append(wrong, fmt.Sprintf("- %s：第 %s 题", m.Name, strings.Join(qs, "、")))
	}
	if len(wrong) > 0 {
		b.WriteString("\n**答错**（已加入各自的错题本）\n" + strings.Join(wrong, "\n"))
	} else if len(res.Members) > 0 {
		b.WriteString("参加的人全部答对。")
	}
	return strings.TrimRight(b.String(), "\n")
}
