package config

import (
	"errors"
	"fmt"
)

// Lesson configures the daily micro-lesson: the parts of its 15 minutes, the
// quiz, the scoring, the quarterly contest and the new-hire camp. Defaults
// are the practitioners' figures (see DefaultLesson).
type Lesson struct {
	// KnowledgeMinutes, CaseMinutes and QuizMinutes are the three parts of a
	// lesson: the knowledge point, the case discussion, the quiz and results.
	KnowledgeMinutes int `yaml:"knowledge_minutes"`
	CaseMinutes      int `yaml:"case_minutes"`
	QuizMinutes      int `yaml:"quiz_minutes"`
	// QuestionSeconds is the time limit of one quiz question; GapSeconds the
	// pause after a question closes, before the next opens.
	QuestionSeconds int `yaml:"question_seconds"`
	GapSeconds      int `yaml:"gap_seconds"`
	// Questions come from the day's lesson; ReviewQuestions from the team's
	// wrong-answer books are mixed in (both as far as the quiz part allows).
	Questions       int `yaml:"questions"`
	ReviewQuestions int `yaml:"review_questions"`
	// RepeatDays is how long a lesson is not taught again.
	RepeatDays int           `yaml:"repeat_days"`
	Scoring    LessonScoring `yaml:"scoring"`
	Contest    LessonContest `yaml:"contest"`
	Camp       LessonCamp    `yaml:"camp"`
}

// LessonScoring turns right answers into points: Points for an instant
// answer, falling with time to SpeedFloor × Points at the time limit, plus a
// streak bonus when Streak is on.
type LessonScoring struct {
	Points     int     `yaml:"points"`
	SpeedFloor float64 `yaml:"speed_floor"` // 0.5 to 1
	Streak     bool    `yaml:"streak"`
	// StreakBonus is added per question of a running streak after the
	// first, up to StreakCap on one question (0: 5 × StreakBonus).
	StreakBonus int `yaml:"streak_bonus"`
	StreakCap   int `yaml:"streak_cap"`
}

// LessonContest configures the quarterly 大练兵.
type LessonContest struct {
	Questions       int `yaml:"questions"`
	QuestionSeconds int `yaml:"question_seconds"`
}

// LessonCamp configures the new hires' seven-day camp.
type LessonCamp struct {
	PassPercent   int `yaml:"pass_percent"`   // exam score to pass
	ExamQuestions int `yaml:"exam_questions"` // questions in the exam
	ExtendDays    int `yaml:"extend_days"`    // days a failed exam adds
}

// DefaultLesson is the 15-minute lesson as the practitioners run it: 3
// minutes knowledge, 5 case, 7 quiz; 60 seconds a question; 500 to 1000
// points by speed without a streak bonus; no lesson repeated within 14
// days; 80% to pass the camp exam.
func DefaultLesson() Lesson {
	return Lesson{
		KnowledgeMinutes: 3, CaseMinutes: 5, QuizMinutes: 7,
		QuestionSeconds: 60, GapSeconds: 3,
		Questions: 4, ReviewQuestions: 2, RepeatDays: 14,
		Scoring: LessonScoring{Points: 1000, SpeedFloor: 0.5, StreakBonus: 100},
		Contest: LessonContest{Questions: 10, QuestionSeconds: 30},
		Camp:    LessonCamp{PassPercent: 80, ExamQuestions: 10, ExtendDays: 2},
	}
}

// ValidateLesson checks the lesson section; each problem names its key.
func (l *Lesson) ValidateLesson() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("lesson.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	between := func(key string, v, lo, hi int) bool {
		if v < lo || v > hi {
			bad(key, "应在 %d 到 %d 之间，得到 %d", lo, hi, v)
			return false
		}
		return true
	}
	between("knowledge_minutes", l.KnowledgeMinutes, 1, 30)
	between("case_minutes", l.CaseMinutes, 1, 30)
	quizOK := between("quiz_minutes", l.QuizMinutes, 1, 60)
	qOK := between("question_seconds", l.QuestionSeconds, 10, 600)
	gOK := between("gap_seconds", l.GapSeconds, 1, 60)
	if quizOK && qOK && gOK && l.QuizMinutes*60 < l.QuestionSeconds+2*l.GapSeconds {
		bad("quiz_minutes", "%d 分钟放不下一道题（每题 %d 秒，间隔 %d 秒）", l.QuizMinutes, l.QuestionSeconds, l.GapSeconds)
	}
	between("questions", l.Questions, 1, 20)
	between("review_questions", l.ReviewQuestions, 0, 10)
	between("repeat_days", l.RepeatDays, 1, 365)
	s := l.Scoring
	between("scoring.points", s.Points, 1, 100000)
	if s.SpeedFloor < 0.5 || s.SpeedFloor > 1 {
		bad("scoring.speed_floor", "应在 0.5 到 1 之间（限时结束时的得分比例），得到 %g", s.SpeedFloor)
	}
	if s.StreakBonus < 0 {
		bad("scoring.streak_bonus", "不能为负数，得到 %d", s.StreakBonus)
	} else if s.Streak && s.StreakBonus == 0 {
		bad("scoring.streak_bonus", "开启连对奖励（scoring.streak）时应大于 0")
	}
	if s.StreakCap < 0 {
		bad("scoring.streak_cap", "不能为负数，得到 %d", s.StreakCap)
	}
	between("contest.questions", l.Contest.Questions, 1, 50)
	between("contest.question_seconds", l.Contest.QuestionSeconds, 5, 600)
	between("camp.pass_percent", l.Camp.PassPercent, 1, 100)
	between("camp.exam_questions", l.Camp.ExamQuestions, 1, 50)
	between("camp.extend_days", l.Camp.ExtendDays, 1, 14)
	return errors.Join(errs...)
}
