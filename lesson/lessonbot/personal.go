package lessonbot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

// personalDest is where a personal set's questions go.
func personalDest(p *lesson.Personal) bot.Destination {
	return bot.Destination{Platform: p.Platform, ChatID: p.ChatID, UserID: p.UserID, TeamID: p.TeamID}
}

func personalKindLabel(kind string) string {
	switch kind {
	case "camp":
		return "特训营练习"
	case "exam":
		return "特训营结业考试"
	}
	return "错题复习"
}

// StartPersonal begins a personal set for m and posts its first question.
func (l *Lessons) StartPersonal(ctx context.Context, m *bot.Member, team string, dest bot.Destination, kind string, qids []string, intro string) error {
	n, err := l.Bot.Store.NextID(ctx, "lesson.personal")
	if err != nil {
		return err
	}
	p := &lesson.Personal{ID: fmt.Sprint(n), Member: m.ID, Kind: kind, TeamID: team, QIDs: qids,
		Platform: dest.Platform, ChatID: dest.ChatID, UserID: dest.UserID, Started: l.now()}
	if err := l.Repo.SavePersonal(ctx, p); err != nil {
		return err
	}
	if intro != "" {
		if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: intro}); err != nil {
			return err
		}
	}
	return l.sendPersonal(ctx, p)
}

func personalPerm(p *lesson.Personal, q *lesson.Question) []int {
	if q.Type != lesson.Single && q.Type != lesson.Multiple {
		return nil
	}
	return lesson.Shuffle(len(q.Options), fmt.Sprintf("p%s/%d/%s", p.ID, p.Idx, q.ID))
}

func (l *Lessons) sendPersonal(ctx context.Context, p *lesson.Personal) error {
	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		return err
	}
	q, _ := bank.Question(p.QIDs[p.Idx])
	if q == nil {
		return fmt.Errorf("question %s missing from bank", p.QIDs[p.Idx])
	}
	return l.Bot.Send(ctx, personalDest(p), l.personalCard(p, q))
}

// personalCard is the card of a personal set's current question.
func (l *Lessons) personalCard(p *lesson.Personal, q *lesson.Question) bot.Message {
	name := ""
	if m := l.Bot.Directory.Member(p.Member); m != nil {
		name = m.Name + " · "
	}
	title := questionTitle(name+personalKindLabel(p.Kind)+" ", p.Idx, len(p.QIDs), q, 0)
	return questionCard(fmt.Sprintf("p:%s:%d", p.ID, p.Idx), title, "", q, personalPerm(p, q))
}

func (l *Lessons) tapPersonal(ctx context.Context, req *bot.Request, act *bot.CardAction) error {
	_, pid, idx, ok := parseCardID(act.CardID)
	if !ok || req.Member == nil {
		return bot.Userf("这张题卡已失效。")
	}
	p, err := l.Repo.Personal(ctx, req.Member.ID)
	if err != nil {
		return err
	}
	if p == nil || p.ID != pid {
		return bot.Userf("%s，这是别人的题目，或这组练习已经结束。", req.SenderName())
	}
	if idx != p.Idx {
		return bot.Userf("这道题已经答过了。")
	}
	return l.answerPersonal(ctx, req, p, idx, act.OptionID, "")
}

// answerPersonal grades one answer of a personal set, says right or wrong
// with the explanation (the exam waits until the end), and moves on.
func (l *Lessons) answerPersonal(ctx context.Context, req *bot.Request, p *lesson.Personal, _ int, taps []string, text string) error {
	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		return err
	}
	q, les := bank.Question(p.QIDs[p.Idx])
	if q == nil {
		return fmt.Errorf("question %s missing from bank", p.QIDs[p.Idx])
	}
	perm := personalPerm(p, q)
	var resp lesson.Response
	if taps != nil {
		r, done, err := l.tapResponse(ctx, req, "p"+p.ID, p.Idx, q, l.personalCard(p, q), taps, func() (bool, error) { return false, nil })
		if err != nil || !done {
			return err
		}
		resp = r
	} else {
		r, err := lesson.ParseResponse(q, text)
		if err != nil {
			var fe *lesson.AnswerFormatError
			if errors.As(err, &fe) {
				return bot.Userf("%s", fe.Msg)
			}
			return err
		}
		resp = r
	}
	now := req.Now()
	correct := lesson.Grade(q, perm, resp)
	var b strings.Builder
	if correct {
		p.Correct++
		inBook, mastered, err := l.Repo.Hit(ctx, p.Member, q.ID, now)
		if err != nil {
			return err
		}
		if p.Kind != "exam" {
			b.WriteString("✅ 回答正确！")
			if mastered {
				b.WriteString("这道题已掌握，移出错题本。")
			} else if inBook {
				b.WriteString("过几天再复习一次。")
			}
		}
	} else {
		p.Wrong = append(p.Wrong, q.ID)
		if err := l.Repo.Miss(ctx, p.Member, q, les, lesson.Describe(q, resp), now); err != nil {
			return err
		}
		if p.Kind != "exam" {
			fmt.Fprintf(&b, "❌ 正确答案：%s\n解析：%s", lesson.CorrectDisplayed(q, perm), q.Explanation)
		}
	}
	p.Idx++
	dest := personalDest(p)
	if b.Len() > 0 {
		if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: b.String()}); err != nil {
			return err
		}
	} else if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: fmt.Sprintf("已记录第 %d 题的答案。", p.Idx)}); err != nil {
		return err
	}
	if p.Idx < len(p.QIDs) {
		if err := l.Repo.SavePersonal(ctx, p); err != nil {
			return err
		}
		return l.sendPersonal(ctx, p)
	}
	if err := l.Repo.EndPersonal(ctx, p.Member); err != nil {
		return err
	}
	if p.Kind == "exam" {
		return l.finishExam(ctx, p)
	}
	return l.Bot.Send(ctx, dest, bot.Message{Markdown: fmt.Sprintf("**%s完成**：答对 %d/%d 题。答错的题已留在错题本里，发送 /错题本 查看。", personalKindLabel(p.Kind), p.Correct, len(p.QIDs))})
}

// Review starts /practice (/复习): up to five questions from the member's wrong-answer
// book, the due ones first.
func (l *Lessons) Review(ctx context.Context, req *bot.Request) error {
	if p, err := l.Repo.Personal(ctx, req.Member.ID); err != nil {
		return err
	} else if p != nil && p.Kind == "exam" {
		return bot.Userf("你正在进行特训营结业考试（第 %d/%d 题），请先答完考试再复习。", p.Idx+1, len(p.QIDs))
	}
	items, err := l.Repo.Wrong(ctx, req.Member.ID)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return req.ReplyPrivately(ctx, bot.Message{Markdown: "你的错题本是空的，继续保持！"})
	}
	today := lesson.Day(req.Now())
	var due, later []string
	for _, w := range items {
		if w.DueOn(today) {
			due = append(due, w.QID)
		} else {
			later = append(later, w.QID)
		}
	}
	qids := append(due, later...)
	if len(qids) > 5 {
		qids = qids[:5]
	}
	team := ""
	if req.Team != nil {
		team = req.Team.ID
	}
	intro := fmt.Sprintf("**%s 的错题复习**：共 %d 题，答完一题立刻告诉你对错。作答：点选项，或 @班组助手 A / /a A。", req.Member.Name, len(qids))
	// The set goes on in the sender's private chat: a group sees no one's
	// wrong answers.
	if err := l.StartPersonal(ctx, req.Member, team, req.PrivateTo(), "review", qids, intro); err != nil {
		return err
	}
	if !req.Private() {
		return req.ReplyPrivately(ctx, bot.Message{Markdown: fmt.Sprintf("错题复习（%d 题）已私聊发给你，请到和班组助手的私聊里作答。", len(qids))})
	}
	return nil
}
