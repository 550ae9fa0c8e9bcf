package lessonbot

import (
	"context"
	"fmt"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

// Stop ends the team's session of kind now without points. With a session
// of the other kind running it returns that session and ErrOtherKind.
func (l *Lessons) Stop(ctx context.Context, team string, kind lesson.Kind) (*lesson.Session, error) {
	var out *lesson.Session
	held, err := l.withLease(ctx, team, true, func(s *lesson.Session) error {
		if s == nil {
			return nil
		}
		out = s
		if s.Kind != kind {
			return ErrOtherKind
		}
		bank, err := l.Repo.Bank(ctx)
		if err != nil {
			return err
		}
		return l.finish(ctx, bank, s, l.now(), true, "")
	})
	if err == nil && !held {
		err = bot.Userf("微课正在推进中，请稍后再试。")
	}
	return out, err
}

// EndContest ends the team's contest now and scores it: the open question
// closes and is revealed, the results and titles cover the questions put so
// far. With a lesson running it returns it and ErrOtherKind.
func (l *Lessons) EndContest(ctx context.Context, team string) (*lesson.Session, error) {
	var out *lesson.Session
	held, err := l.withLease(ctx, team, true, func(s *lesson.Session) error {
		if s == nil {
			return nil
		}
		out = s
		if s.Kind != lesson.KindContest {
			return ErrOtherKind
		}
		bank, err := l.Repo.Bank(ctx)
		if err != nil {
			return err
		}
		now := l.now()
		cur := s.Current()
		if cur >= 0 && s.Step < len(s.Steps) {
			// The current question is revealed by the next step unless a
			// later question's step ran already.
			next := s.Steps[s.Step]
			if next.Kind == lesson.StepResults || (next.Kind == lesson.StepQuestion && next.Q == cur+1) {
				if sq := &s.Questions[cur]; sq.CloseAt.After(now) {
					sq.CloseAt = now
				}
				if err := l.Repo.Save(ctx, s); err != nil {
					return err
				}
				if _, err := l.reveal(ctx, bank, s, cur); err != nil {
					return err
				}
			}
		}
		// Said in the results post: one post fewer in the group.
		note := ""
		if asked := s.Asked(); asked < len(s.Questions) {
			note = fmt.Sprintf("主管提前结束了大练兵：已出 %d/%d 题，按已出的题目计分和评选称号。", asked, len(s.Questions))
		}
		return l.finish(ctx, bank, s, now, false, note)
	})
	if err == nil && !held {
		err = bot.Userf("大练兵正在推进中，请稍后再试。")
	}
	return out, err
}

// Skip moves the team's lesson on to its next part now.
func (l *Lessons) Skip(ctx context.Context, team string) (*lesson.Session, error) {
	var out *lesson.Session
	held, err := l.withLease(ctx, team, true, func(s *lesson.Session) error {
		if s == nil {
			return nil
		}
		out = s
		s.Skip(l.now())
		if err := l.Repo.Save(ctx, s); err != nil {
			return err
		}
		return l.runDue(ctx, s)
	})
	if err == nil && !held {
		err = bot.Userf("微课正在推进中，请稍后再试。")
	}
	return out, err
}
