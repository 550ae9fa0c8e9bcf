// Package lessonbot is the lesson feature's chat runtime: the daily
// micro-lesson's timeline (a state machine advanced by Tick under a step
// lease, so any replica may run it and a restart resumes it), answers by
// card tap or text, contests, personal practice, the new-hire camp and
// 实操演练 drills, with their rendering, jobs, demo data and report sheet.
// The chat commands that drive it are in package handlers.
package lessonbot

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

	// Practice runs 实操演练 in place of a lesson's quiz (drills.go); nil: none.
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

// TickEvery is how often Run checks the lesson timelines for due steps.
const TickEvery = time.Second

// Run ticks the lessons every TickEvery until ctx ends (the feature's
// background work).
func (l *Lessons) Run(ctx context.Context) {
	bot.Every(ctx, TickEvery, func() bool {
		if err := l.Tick(ctx); err != nil && ctx.Err() == nil {
			l.log.Warn("lesson tick failed", "error", err)
		}
		return true
	})
}

// KindLabel names a session's kind in replies: 微课 or 大练兵.
func KindLabel(k lesson.Kind) string {
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
