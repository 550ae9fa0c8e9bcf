package lessonbot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

// Fallback takes quiz answers that are not commands: a tap on a question
// card, or text addressed to the bot ("@班组助手 A", a fill-in answer in a
// single chat). Group chatter that does not @-mention the bot is never an
// answer, even while a question is open.
func (l *Lessons) Fallback() bot.Fallback {
	return func(ctx context.Context, req *bot.Request) (bool, error) {
		if act := req.Event.Action; act != nil {
			switch {
			case strings.HasPrefix(act.CardID, "lesson:"):
				return true, l.quiet(ctx, req, l.tapLesson(ctx, req, act))
			case strings.HasPrefix(act.CardID, "p:"):
				return true, l.quiet(ctx, req, l.tapPersonal(ctx, req, act))
			}
			return false, nil
		}
		if !req.Event.Mentioned && req.Event.ChatType != bot.ChatSingle {
			return false, nil
		}
		handled, err := l.answerText(ctx, req, req.Event.Text, false)
		return handled, l.quiet(ctx, req, err)
	}
}

// tell answers the sender only: in a group the message is shown to them
// alone (or sent to them directly where a platform cannot do that).
func (l *Lessons) tell(ctx context.Context, req *bot.Request, msg bot.Message) error {
	if req.Event.ChatType != bot.ChatSingle && req.Event.SenderID != "" {
		msg.OnlyFor = []string{req.Event.SenderID}
	}
	return req.Reply(ctx, msg)
}

// quiet turns a user error of answering into a note to the sender alone: a
// late or repeated answer is nobody else's business.
func (l *Lessons) quiet(ctx context.Context, req *bot.Request, err error) error {
	var ue *bot.UserError
	if !errors.As(err, &ue) {
		return err
	}
	return l.tell(ctx, req, bot.Message{Markdown: ue.Msg})
}

// answerText routes a typed answer to the quiz of the chat it was sent in:
// in a group the team's open question, else the sender's own set if it was
// posted in that group; in a single chat the sender's own set. A stray
// "/a A" in a group never answers a set running in the private chat.
// explicit is true for /a, which always gets an answer.
func (l *Lessons) answerText(ctx context.Context, req *bot.Request, text string, explicit bool) (bool, error) {
	single := req.Event.ChatType == bot.ChatSingle
	if req.Team != nil && !single {
		s, err := l.Repo.Active(ctx, req.Team.ID)
		if err != nil {
			return true, err
		}
		if s != nil && (s.Current() >= 0 || explicit) && sessionIn(s, req.Event) {
			return true, l.answerLesson(ctx, req, s, -1, text, nil)
		}
	}
	if req.Member != nil {
		p, err := l.Repo.Personal(ctx, req.Member.ID)
		if err != nil {
			return true, err
		}
		if p != nil && personalIn(p, req.Event, single) {
			return true, l.answerPersonal(ctx, req, p, -1, nil, text)
		}
	}
	if explicit {
		return true, bot.Userf("现在没有进行中的题目。主管可以用 /lesson start 开始微课，你也可以发送 /复习 练习错题。")
	}
	return false, nil
}

// sessionIn reports whether a team session is posted in the chat of ev (a
// WeCom group reached by webhook key only has no chat id on record).
func sessionIn(s *lesson.Session, ev bot.Event) bool {
	return s.Platform == ev.Platform && (s.ChatID == ev.ChatID || s.ChatID == "")
}

// personalIn reports whether a personal set was posted in the chat of ev:
// a set sent to the member directly belongs to their single chat, one
// started in a chat to that chat.
func personalIn(p *lesson.Personal, ev bot.Event, single bool) bool {
	if p.Platform != "" && p.Platform != ev.Platform {
		return false
	}
	if p.UserID != "" && p.ChatID == "" {
		return single
	}
	return p.ChatID == ev.ChatID
}

func parseCardID(id string) (prefix, ref string, idx int, ok bool) {
	i := strings.LastIndex(id, ":")
	j := strings.Index(id, ":")
	if i <= j {
		return "", "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil {
		return "", "", 0, false
	}
	return id[:j], id[j+1 : i], n, true
}

func (l *Lessons) tapLesson(ctx context.Context, req *bot.Request, act *bot.CardAction) error {
	_, sid, qi, ok := parseCardID(act.CardID)
	if !ok || req.Team == nil {
		return bot.Userf("这张题卡已失效。")
	}
	s, err := l.Repo.Active(ctx, req.Team.ID)
	if err != nil {
		return err
	}
	if s == nil || s.ID != sid {
		return bot.Userf("这道题已经结束了，不再计分。")
	}
	return l.answerLesson(ctx, req, s, qi, "", act.OptionID)
}

// answerLesson records one answer to the team's open question: qi is the
// tapped card's question (-1 for typed answers), text a typed answer, taps
// the tapped option ids.
func (l *Lessons) answerLesson(ctx context.Context, req *bot.Request, s *lesson.Session, qi int, text string, taps []string) error {
	// When it was sent, not when it is handled: an answer stored before a
	// crash and handled after the restart still counts for its question.
	now := req.SentAt()
	open := s.Open(now)
	who := req.SenderName()
	if open < 0 || (qi >= 0 && qi != open) {
		cur := s.Current()
		switch {
		case qi >= 0 && qi < len(s.Questions) && s.Questions[qi].Opened:
			return bot.Userf("%s，第 %d 题已经结束了，这次回答不计分。", who, qi+1)
		case cur >= 0:
			return bot.Userf("%s，第 %d 题已经结束了，这次回答不计分，请等下一题。", who, cur+1)
		case len(s.Questions) > 0:
			return bot.Userf("小测验还没开始，%s 出第一题。", hhmm(s.Questions[0].OpenAt, l.Bot.Location()))
		}
		return bot.Userf("现在没有进行中的题目。")
	}
	if req.Member == nil {
		return bot.Userf("你还不在班组名单中，答题不计分。请联系主管把你加入名单。")
	}
	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		return err
	}
	sq := s.Questions[open]
	q, _ := bank.Question(sq.QID)
	if q == nil {
		return fmt.Errorf("question %s missing from bank", sq.QID)
	}
	var resp lesson.Response
	card := questionMessage(s, open, q, l.Bot.Directory)
	if taps != nil {
		r, done, err := l.tapResponse(ctx, req, s.ID, open, q, card, taps, func() (bool, error) {
			return l.Repo.Answered(ctx, s.ID, open, req.Member.ID)
		})
		if err != nil || !done {
			return err
		}
		resp = r
	} else {
		r, err := lesson.ParseResponse(q, text)
		if err != nil {
			var fe *lesson.AnswerFormatError
			if errors.As(err, &fe) {
				return bot.Userf("%s：%s", who, fe.Msg)
			}
			return err
		}
		resp = r
	}
	correct := lesson.Grade(q, sq.Perm, resp)
	elapsed := now.Sub(sq.OpenAt)
	a := lesson.Answer{Member: req.Member.ID, Name: req.Member.Name, Q: open, Resp: resp, Correct: correct,
		Elapsed: max(0, elapsed.Milliseconds()), Points: l.Opts.Scoring.Score(correct, elapsed, s.Limit), At: now}
	created, err := l.Repo.Answer(ctx, s.ID, a)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("✅ 你的答案：%s，已记录。最后统一公布答案和成绩。", lesson.Describe(q, resp))
	if !created {
		note = fmt.Sprintf("你已经回答过第 %d 题了，只算第一次的答案。", open+1)
	}
	if taps != nil {
		// The tapper's card shows their answer; nobody else sees it.
		up := withNote(card, note)
		up.Update = true
		return l.tell(ctx, req, up)
	}
	return l.tell(ctx, req, bot.Message{Markdown: fmt.Sprintf("第 %d 题：%s", open+1, note)})
}

// tapResponse turns card taps into a response. On a multiple-choice card
// single taps build a draft until 提交; several ids at once answer directly.
// card is the question's card as posted: a tap is acknowledged by showing
// the tapper their selection on it.
func (l *Lessons) tapResponse(ctx context.Context, req *bot.Request, ref string, qi int, q *lesson.Question, card bot.Message, taps []string, answered func() (bool, error)) (lesson.Response, bool, error) {
	who := req.SenderName()
	toPick := func(id string) (int, error) {
		id = strings.ToUpper(strings.TrimSpace(id))
		n := len(q.Options)
		if q.Type == lesson.TrueFalse {
			n = 2
		}
		if len(id) != 1 || id[0] < 'A' || int(id[0]-'A') >= n {
			return 0, bot.Userf("这个选项无效，请重新选择。")
		}
		return int(id[0] - 'A'), nil
	}
	if q.Type == lesson.Fill {
		return lesson.Response{}, false, bot.Userf("这是填空题，请发送 @班组助手 你的答案。")
	}
	if q.Type != lesson.Multiple || len(taps) > 1 {
		var picks []int
		for _, t := range taps {
			if t == submitOption {
				continue
			}
			p, err := toPick(t)
			if err != nil {
				return lesson.Response{}, false, err
			}
			picks = append(picks, p)
		}
		if len(picks) == 0 || (q.Type != lesson.Multiple && len(picks) > 1) {
			return lesson.Response{}, false, bot.Userf("请选择一个选项。")
		}
		return normPicks(picks), true, nil
	}
	if done, err := answered(); err != nil || done {
		if err != nil {
			return lesson.Response{}, false, err
		}
		return lesson.Response{}, false, bot.Userf("%s，你已经回答过第 %d 题了，只算第一次的答案。", who, qi+1)
	}
	draft, err := l.Repo.Draft(ctx, ref, qi, req.Member.ID)
	if err != nil {
		return lesson.Response{}, false, err
	}
	if len(taps) == 1 && taps[0] == submitOption {
		if len(draft) < 1 {
			return lesson.Response{}, false, bot.Userf("%s，请先点选选项，再点「提交」。", who)
		}
		return normPicks(draft), true, nil
	}
	if len(taps) == 0 {
		return lesson.Response{}, false, bot.Userf("请选择选项。")
	}
	p, err := toPick(taps[0])
	if err != nil {
		return lesson.Response{}, false, err
	}
	var next []int
	removed := false
	for _, d := range draft {
		if d == p {
			removed = true
			continue
		}
		next = append(next, d)
	}
	if !removed {
		next = append(next, p)
	}
	if err := l.Repo.SetDraft(ctx, ref, qi, req.Member.ID, next); err != nil {
		return lesson.Response{}, false, err
	}
	var letters []string
	for _, d := range normPicks(next).Picks {
		letters = append(letters, lesson.Letter(d))
	}
	sel := strings.Join(letters, "、")
	if sel == "" {
		sel = "（无）"
	}
	up := withNote(card, fmt.Sprintf("你已选：%s，选好后点「提交」。", sel))
	up.Update = true
	return lesson.Response{}, false, l.tell(ctx, req, up)
}

func normPicks(p []int) lesson.Response {
	seen := map[int]bool{}
	var out []int
	for _, v := range p {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return lesson.Response{Picks: out}
}

// Answer takes /a's answer: to the open question of the chat it was sent
// in, else the sender's own set. A late or malformed answer is told to the
// sender alone.
func (l *Lessons) Answer(ctx context.Context, req *bot.Request, text string) error {
	_, err := l.answerText(ctx, req, text, true)
	return l.quiet(ctx, req, err)
}
