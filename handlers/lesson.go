package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

// Lessons runs the daily micro-lesson, contests, reviews and the new-hire
// camp in team chats. Every lesson's timeline lives in the store and is
// advanced by Tick, so a restart resumes it and any replica takes answers.
type Lessons struct {
	Bot   *bot.Bot
	Repo  *lesson.Repo
	Opts  lesson.Options
	Weak  lesson.WeakSpots // KPI weak spots; nil when there is no KPI data
	Owner string           // this replica's id for step leases
	// Titles records a contest's titles (服务速度王, 问题终结者) where the
	// recognition feature reads them; nil records none.
	Titles func(ctx context.Context, t ContestTitle) error
	// NewHire tells whether someone hired on hireDate is still new at now
	// (config awards.new_hire_days); nil lets anyone into the new-hire camp.
	NewHire func(hireDate string, now time.Time) (days int, known, isNew bool)
	log     *slog.Logger
	// mu keeps this process's ticker and commands from advancing a lesson
	// at once (the store lease only excludes other replicas).
	mu sync.Mutex

	// Practice runs 实操演练 in place of a lesson's quiz (lesson_practice.go); nil: none.
	Practice PracticeSteps
}

// NewLessons builds the lesson runner.
func NewLessons(b *bot.Bot, repo *lesson.Repo, opts lesson.Options, weak lesson.WeakSpots, owner string) *Lessons {
	if owner == "" {
		owner = fmt.Sprintf("lesson-%d", rand.Int64())
	}
	return &Lessons{Bot: b, Repo: repo, Opts: opts.Norm(), Weak: weak, Owner: owner, log: b.Logger()}
}

func (l *Lessons) now() time.Time { return l.Bot.Now() }

// stepLease is how long one replica holds a team's lesson while advancing it.
const stepLease = 30 * time.Second

// ErrLessonRunning is returned when a team already has a lesson in progress.
var ErrLessonRunning = errors.New("lesson already running")

// ErrOtherKind is returned by Stop and EndContest when the team's session in
// progress is of the other kind (a lesson, not a contest, or the reverse).
var ErrOtherKind = errors.New("session of another kind running")

// ContestTitle is a title won in a contest.
type ContestTitle struct {
	Team    string
	Member  string
	Title   string // 服务速度王 or 问题终结者
	Contest string // the session id
	Figures string // what won it, in words
	At      time.Time
}

// TeamDest is where a team's lessons are posted when no chat asked for one:
// its WeCom group, else its DingTalk group, else its console chat.
func TeamDest(t *bot.Team) bot.Destination {
	switch {
	case t.Config.WeCom.ChatID != "" || t.Config.WeCom.WebhookKey != "":
		return bot.Destination{Platform: "wecom", ChatID: t.Config.WeCom.ChatID, TeamID: t.ID}
	case t.Config.DingTalk.OpenConversationID != "":
		return bot.Destination{Platform: "dingtalk", ChatID: t.Config.DingTalk.OpenConversationID, TeamID: t.ID}
	}
	return bot.Destination{Platform: "console", ChatID: t.ID, TeamID: t.ID}
}

func sessionDest(s *lesson.Session) bot.Destination {
	return bot.Destination{Platform: s.Platform, ChatID: s.ChatID, TeamID: s.TeamID}
}

// Start plans and begins a lesson (or contest) for team, posted to dest.
// topic may be empty: the lesson then follows the team's weak spots.
func (l *Lessons) Start(ctx context.Context, t *bot.Team, dest bot.Destination, kind lesson.Kind, topic, by string) (*lesson.Session, error) {
	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		return nil, err
	}
	if cur, err := l.Repo.Active(ctx, t.ID); err != nil {
		return nil, err
	} else if cur != nil {
		return cur, ErrLessonRunning
	}
	now := l.now()
	n, err := l.Bot.Store.NextID(ctx, "lesson.session")
	if err != nil {
		return nil, err
	}
	id := fmt.Sprintf("%s-%d", t.ID, n)
	var qids []string
	review := map[string][]string{}
	var chosen *lesson.Lesson
	reason := ""
	switch kind {
	case lesson.KindContest:
		qids = lesson.ExamQuestions(bank, l.Opts.ContestCount, id)
		topic = "季度服务技能大练兵"
	default:
		if topic != "" {
			found := bank.Find(topic)
			if len(found) == 0 {
				return nil, bot.Userf("题库里没有“%s”相关的课程。%s", topic, topicHint(bank.Topics()))
			}
			chosen, reason = found[0], "主管指定"
		} else {
			c, err := l.choose(ctx, t, bank, now)
			if err != nil {
				return nil, err
			}
			chosen, reason = c.Lesson, c.Reason
		}
		topic = chosen.Topic
		maxQ := l.Opts.MaxQuizQuestions()
		qids = lesson.PickQuestions(chosen, min(l.Opts.Questions, maxQ))
		if room := min(l.Opts.Review, maxQ-len(qids)); room > 0 {
			books, err := l.teamBooks(ctx, t)
			if err != nil {
				return nil, err
			}
			exclude := map[string]bool{}
			for _, q := range qids {
				exclude[q] = true
			}
			var rq []string
			rq, review = lesson.PickReview(books, lesson.Day(now), room, exclude)
			qids = append(qids, rq...)
		}
	}
	s, err := lesson.NewSession(id, kind, now, qids, review, bank, l.Opts)
	if err != nil {
		return nil, err
	}
	s.TeamID, s.Platform, s.ChatID, s.Topic, s.Reason, s.StartedBy = t.ID, dest.Platform, dest.ChatID, topic, reason, by
	if chosen != nil {
		s.LessonID = chosen.ID
		if l.Practice != nil {
			if err := l.Practice.Plan(ctx, s, chosen); err != nil {
				return nil, err
			}
		}
	}
	ok, err := l.Repo.Begin(ctx, s)
	if err != nil {
		return nil, err
	}
	if !ok {
		cur, _ := l.Repo.Active(ctx, t.ID)
		return cur, ErrLessonRunning
	}
	l.log.Info("lesson started", "team_id", t.ID, "session", s.ID, "kind", string(kind), "lesson", s.LessonID, "questions", len(qids))
	return s, l.Advance(ctx, t.ID)
}

// choose picks the day's lesson from KPI weak spots, recent wrong answers and
// what was taught recently.
func (l *Lessons) choose(ctx context.Context, t *bot.Team, bank *lesson.Bank, now time.Time) (lesson.Choice, error) {
	hist, err := l.Repo.History(ctx, t.ID, now.AddDate(0, 0, -90))
	if err != nil {
		return lesson.Choice{}, err
	}
	last := map[string]time.Time{}
	for _, h := range hist {
		if h.LessonID != "" && h.Start.After(last[h.LessonID]) {
			last[h.LessonID] = h.Start
		}
	}
	books, err := l.teamBooks(ctx, t)
	if err != nil {
		return lesson.Choice{}, err
	}
	misses := map[string]int{}
	cut := now.AddDate(0, 0, -14)
	for _, items := range books {
		for _, w := range items {
			if w.LastMiss.After(cut) && w.LessonID != "" {
				misses[w.LessonID]++
			}
		}
	}
	return lesson.Choose(bank, lesson.WeakTopics(l.Weak, t.ID), misses, last, now, l.Opts.RepeatWindow), nil
}

// teamBooks reads the wrong-answer books of the team's agents.
func (l *Lessons) teamBooks(ctx context.Context, t *bot.Team) (map[string][]lesson.WrongItem, error) {
	out := map[string][]lesson.WrongItem{}
	for _, m := range t.Members {
		items, err := l.Repo.Wrong(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		if len(items) > 0 {
			out[m.ID] = items
		}
	}
	return out, nil
}

// Tick advances every lesson with a step due. The background ticker calls
// it every second; tests call it after moving the clock.
func (l *Lessons) Tick(ctx context.Context) error {
	list, err := l.Repo.Actives(ctx)
	if err != nil {
		return err
	}
	now := l.now()
	var errs []error
	for _, s := range list {
		if _, due := s.Due(now); !due {
			continue
		}
		if err := l.Advance(ctx, s.TeamID); err != nil {
			errs = append(errs, fmt.Errorf("team %s: %w", s.TeamID, err))
		}
	}
	return errors.Join(errs...)
}

// withLease runs fn holding the team's lesson lease, on a fresh copy of the
// session (nil when none is running). held is false when another replica
// holds the lease.
func (l *Lessons) withLease(ctx context.Context, team string, wait bool, fn func(s *lesson.Session) error) (held bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	name := "lesson:" + team
	for i := 0; ; i++ {
		ok, err := l.Bot.Store.Acquire(ctx, name, l.Owner, stepLease)
		if err != nil {
			return false, err
		}
		if ok {
			break
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
	defer l.Bot.Store.Release(context.WithoutCancel(ctx), name, l.Owner)
	s, err := l.Repo.Active(ctx, team)
	if err != nil {
		return true, err
	}
	return true, fn(s)
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
		if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: fmt.Sprintf("本次%s已停止（%s），成绩不计入积分。", kindLabel(s.Kind), s.Topic)}); err != nil {
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

func kindLabel(k lesson.Kind) string {
	if k == lesson.KindContest {
		return "大练兵"
	}
	return "微课"
}

// topicHint lists the bank's topics, the first dozen when there are more,
// so that the answer to a mistyped topic stays a few lines long.
func topicHint(topics []string) string {
	const show = 12
	if len(topics) <= show {
		return "可选主题：" + strings.Join(topics, "、")
	}
	return fmt.Sprintf("可选主题：%s 等 %d 个（全部主题见本地聊天的“微课题库”页，或 banzu export lessons）", strings.Join(topics[:show], "、"), len(topics))
}
