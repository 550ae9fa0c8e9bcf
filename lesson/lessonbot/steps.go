package lessonbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/store"
)

// withLease runs fn holding the team's lesson lease (renewed while fn
// runs), on a fresh copy of the session (nil when none is running). held is
// false when another replica holds the lease (with wait, after trying for
// about five seconds).
func (l *Lessons) withLease(ctx context.Context, team string, wait bool, fn func(s *lesson.Session) error) (held bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := 0; ; i++ {
		err := store.WithLease(ctx, l.Bot.Store, "lesson:"+team, l.Owner, stepLease, func(ctx context.Context) error {
			s, err := l.Repo.Active(ctx, team)
			if err != nil {
				return err
			}
			return fn(s)
		})
		if !errors.Is(err, store.ErrLeaseHeld) {
			return true, err
		}
		if !wait || i >= 50 {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Advance runs the team's due steps under its lease.
func (l *Lessons) Advance(ctx context.Context, team string) error {
	_, err := l.withLease(ctx, team, false, func(s *lesson.Session) error {
		return l.runDue(ctx, s)
	})
	return err
}

func (l *Lessons) runDue(ctx context.Context, s *lesson.Session) error {
	if s == nil {
		return nil
	}
	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		return err
	}
	for {
		now := l.now()
		step, due := s.Due(now)
		if !due {
			return nil
		}
		if err := l.runStep(ctx, bank, s, step, now); err != nil {
			return err
		}
		s.Complete()
		if s.Done {
			return nil // runStep finished the session
		}
		if err := l.Repo.Save(ctx, s); err != nil {
			return err
		}
	}
}

func (l *Lessons) runStep(ctx context.Context, bank *lesson.Bank, s *lesson.Session, step lesson.Step, now time.Time) error {
	dest := sessionDest(s)
	send := func(msg bot.Message) error { return l.Bot.Send(ctx, dest, msg) }
	l.log.Info("lesson step", "team_id", s.TeamID, "session", s.ID, "step", string(step.Kind), "q", step.Q)
	switch step.Kind {
	case lesson.StepKnowledge:
		les := bank.Lesson(s.LessonID)
		if les == nil {
			return fmt.Errorf("lesson %s is no longer in the bank", s.LessonID)
		}
		return send(bot.Message{Markdown: renderKnowledge(s, les, l.Opts, l.Bot.Location())})
	case lesson.StepCase:
		les := bank.Lesson(s.LessonID)
		if les == nil {
			return fmt.Errorf("lesson %s is no longer in the bank", s.LessonID)
		}
		return send(bot.Message{Markdown: renderCase(s, les, l.Bot.Location())})
	case lesson.StepQuestion:
		prev, err := l.reveal(ctx, bank, s, step.Q-1)
		if err != nil {
			return err
		}
		sq := &s.Questions[step.Q]
		if !now.Before(sq.CloseAt) {
			// A restart missed this question's whole window: keep the end time.
			sq.Skipped = true
			l.log.Warn("lesson question skipped, its time passed", "team_id", s.TeamID, "session", s.ID, "q", step.Q)
			return nil
		}
		// A lesson's case post said how to answer; a contest says it first.
		if (step.Q == 0 || s.Current() < 0) && !hasStep(s, lesson.StepCase) {
			if err := send(bot.Message{Markdown: renderQuizIntro(s)}); err != nil {
				return err
			}
		}
		sq.Opened = true
		sq.OpenAt = now
		sq.Prev = prev
		// Stored before it is posted, so the first answers find it open.
		if err := l.Repo.Save(ctx, s); err != nil {
			return err
		}
		q, _ := bank.Question(sq.QID)
		return send(questionMessage(s, step.Q, q, l.Bot.Directory))
	case lesson.StepPractice:
		return l.Practice.Open(ctx, s, now)
	case lesson.StepResults:
		if s.Practice != nil && l.Practice != nil {
			return l.Practice.End(ctx, s, now)
		}
		if _, err := l.reveal(ctx, bank, s, len(s.Questions)-1); err != nil {
			return err
		}
		return l.finish(ctx, bank, s, now, false, "")
	}
	return nil
}

func hasStep(s *lesson.Session, k lesson.StepKind) bool {
	for _, st := range s.Steps {
		if st.Kind == k {
			return true
		}
	}
	return false
}

// reveal files question i's wrong answers into the wrong-answer books after
// it closed and returns its answer in one line for the next question's card
// (the group gets no post of its own for it).
func (l *Lessons) reveal(ctx context.Context, bank *lesson.Bank, s *lesson.Session, i int) (string, error) {
	if i < 0 || i >= len(s.Questions) || !s.Questions[i].Opened {
		return "", nil
	}
	sq := s.Questions[i]
	q, les := bank.Question(sq.QID)
	if q == nil {
		return "", nil
	}
	answers, err := l.Repo.Answers(ctx, s.ID)
	if err != nil {
		return "", err
	}
	var mine []lesson.Answer
	for _, a := range answers {
		if a.Q == i {
			mine = append(mine, a)
		}
	}
	now := l.now()
	for _, a := range mine {
		if a.Correct {
			if _, _, err := l.Repo.Hit(ctx, a.Member, q.ID, now); err != nil {
				return "", err
			}
		} else if err := l.Repo.Miss(ctx, a.Member, q, les, lesson.Describe(q, a.Resp), now); err != nil {
			return "", err
		}
	}
	return revealLine(s, i, q, mine), nil
}

// finish posts the results, records points and history and ends the session.
// note, if any, heads the results (why they cover fewer questions).
func (l *Lessons) finish(ctx context.Context, bank *lesson.Bank, s *lesson.Session, now time.Time, stopped bool, note string) error {
	answers, err := l.Repo.Answers(ctx, s.ID)
	if err != nil {
		return err
	}
	asked := s.Asked()
	res := lesson.Tally(answers, asked, l.Opts.Scoring)
	team := l.Bot.Directory.Team(s.TeamID)
	sum := lesson.Summary{SessionID: s.ID, Kind: s.Kind, TeamID: s.TeamID, LessonID: s.LessonID, Topic: s.Topic,
		Start: s.Start, Asked: asked, Stopped: stopped, Scores: map[string]int{}, Correct: map[string]int{}, Answered: map[string]int{}}
	for _, q := range s.Questions {
		sum.QIDs = append(sum.QIDs, q.QID)
	}
	for _, m := range res.Members {
		sum.Scores[m.Member] = m.Score
		sum.Correct[m.Member] = m.Correct
		sum.Answered[m.Member] = m.Answered
	}
	dest := sessionDest(s)
	if stopped {
		s.Done = true
		if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: fmt.Sprintf("本次%s已停止（%s），成绩不计入积分。", KindLabel(s.Kind), s.Topic)}); err != nil {
			return err
		}
		return l.Repo.Finish(ctx, s, sum)
	}
	var solver, speed string
	if s.Kind == lesson.KindContest {
		solver, speed = lesson.ContestTitles(res, asked, 0.8)
	}
	// Points and titles first: whoever reads the results finds them recorded.
	source, reason := "quiz", "每日微课堂测验："+s.Topic
	if s.Kind == lesson.KindContest {
		source, reason = "contest", "季度服务技能大练兵"
	}
	for _, m := range res.Members {
		if m.Score <= 0 {
			continue
		}
		e := lesson.PointsEntry{Member: m.Member, Team: s.TeamID, Points: m.Score, Reason: reason, Source: source, Ref: s.ID, At: now}
		if err := l.Repo.AddPoints(ctx, source+":"+s.ID+":"+m.Member, e); err != nil {
			return err
		}
	}
	if err := l.grantTitles(ctx, s, res, asked, solver, speed, now); err != nil {
		return err
	}
	if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: renderResults(s, bank, res, team, solver, speed, note)}); err != nil {
		return err
	}
	if err := l.sendPrivateResults(ctx, bank, s, res, answers, team); err != nil {
		return err
	}
	l.log.Info("lesson finished", "team_id", s.TeamID, "session", s.ID, "asked", asked, "attended", len(res.Members))
	return l.Repo.Finish(ctx, s, sum)
}

// sendPrivateResults gives each person who answered their own result and
// the team's supervisors the absentees and who got what wrong, privately.
// A person who cannot be reached is logged, not an error: the lesson ends.
func (l *Lessons) sendPrivateResults(ctx context.Context, bank *lesson.Bank, s *lesson.Session, res lesson.Results, answers []lesson.Answer, team *bot.Team) error {
	by := map[string][]lesson.Answer{}
	for _, a := range answers {
		by[a.Member] = append(by[a.Member], a)
	}
	send := func(member, text string) error {
		err := l.Bot.SendMember(ctx, member, bot.Message{Markdown: text})
		if errors.Is(err, bot.ErrNoDestination) {
			l.log.Warn("lesson result not sent privately: no direct chat", "team_id", s.TeamID, "session", s.ID, "member_id", member)
			return nil
		}
		return err
	}
	for i, m := range res.Members {
		if l.Bot.Directory.Member(m.Member) == nil {
			continue
		}
		if err := send(m.Member, renderOwnResult(s, bank, res, i, by[m.Member])); err != nil {
			return err
		}
	}
	text := renderSupervisorResult(s, res, team)
	for _, sup := range l.Bot.Directory.Supervisors(s.TeamID) {
		if err := send(sup.ID, text); err != nil {
			return err
		}
	}
	return nil
}

// grantTitles records a contest's two titles, once each however often the
// contest's end runs (the recognition ledger's keys name the session).
func (l *Lessons) grantTitles(ctx context.Context, s *lesson.Session, res lesson.Results, asked int, solver, speed string, now time.Time) error {
	if s.Kind != lesson.KindContest {
		return nil
	}
	for _, t := range []struct{ title, who string }{{"问题终结者", solver}, {"服务速度王", speed}} {
		if t.who == "" {
			continue
		}
		if l.Titles == nil {
			l.log.Warn("contest title not recorded: no recognition ledger", "team_id", s.TeamID, "session", s.ID, "title", t.title, "member_id", t.who)
			continue
		}
		figures := ""
		for _, m := range res.Members {
			if m.Member == t.who {
				figures = fmt.Sprintf("答对 %d/%d 题，答对的题平均用时 %s", m.Correct, asked, secs(m.TimeMS/int64(max(1, m.Correct))))
			}
		}
		if err := l.Titles(ctx, ContestTitle{Team: s.TeamID, Member: t.who, Title: t.title, Contest: s.ID, Figures: figures, At: now}); err != nil {
			return err
		}
	}
	return nil
}
