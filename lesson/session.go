package lesson

import (
	"fmt"
	"time"
)

// Options shape a lesson. Zero fields take the defaults of DefaultOptions.
type Options struct {
	KnowledgeFor  time.Duration // minute 0 to 3: the knowledge point
	CaseFor       time.Duration // minute 3 to 8: the case discussion
	QuizFor       time.Duration // minute 8 to 15: the quiz and the results
	QuestionTime  time.Duration // time limit per question
	Gap           time.Duration // after a question closes, before the next (late answers still in flight are counted)
	Questions     int           // questions from the day's lesson
	Review        int           // questions from the wrong-answer book mixed in
	RepeatWindow  int           // days in which a lesson is not repeated
	Scoring       Scoring
	ContestCount  int           // questions in a contest
	ContestTime   time.Duration // time limit per contest question
	CampPassShare float64       // share of the exam to pass the new-hire camp
	CampExamSize  int           // questions in the camp exam
	CampExtend    int           // days a failed exam adds
}

// DefaultOptions are the practitioners' defaults.
func DefaultOptions() Options {
	return Options{
		KnowledgeFor: 3 * time.Minute, CaseFor: 5 * time.Minute, QuizFor: 7 * time.Minute,
		QuestionTime: 60 * time.Second, Gap: 3 * time.Second, Questions: 4, Review: 2,
		RepeatWindow: 14, Scoring: DefaultScoring(),
		ContestCount: 10, ContestTime: 30 * time.Second,
		CampPassShare: 0.8, CampExamSize: 10, CampExtend: 2,
	}
}

// Norm fills zero fields with defaults.
func (o Options) Norm() Options {
	d := DefaultOptions()
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&o.KnowledgeFor, d.KnowledgeFor)
	set(&o.CaseFor, d.CaseFor)
	set(&o.QuizFor, d.QuizFor)
	set(&o.QuestionTime, d.QuestionTime)
	set(&o.Gap, d.Gap)
	set(&o.ContestTime, d.ContestTime)
	if o.Questions <= 0 {
		o.Questions = d.Questions
	}
	if o.Review < 0 {
		o.Review = 0
	}
	if o.RepeatWindow <= 0 {
		o.RepeatWindow = d.RepeatWindow
	}
	if o.ContestCount <= 0 {
		o.ContestCount = d.ContestCount
	}
	if o.CampPassShare <= 0 || o.CampPassShare > 1 {
		o.CampPassShare = d.CampPassShare
	}
	if o.CampExamSize <= 0 {
		o.CampExamSize = d.CampExamSize
	}
	if o.CampExtend <= 0 {
		o.CampExtend = d.CampExtend
	}
	o.Scoring = o.Scoring.norm()
	return o
}

// MaxQuizQuestions is how many questions fit in the quiz part.
func (o Options) MaxQuizQuestions() int {
	o = o.Norm()
	return max(1, int((o.QuizFor-o.Gap)/(o.QuestionTime+o.Gap)))
}

// Kind tells a daily lesson from a contest.
type Kind string

// Session kinds.
const (
	KindLesson  Kind = "lesson"
	KindContest Kind = "contest"
)

// StepKind is what a step of the timeline does.
type StepKind string

// Steps of a lesson.
const (
	StepKnowledge StepKind = "knowledge" // post the knowledge point
	StepCase      StepKind = "case"      // post the case and its prompt
	StepQuestion  StepKind = "question"  // reveal the previous question, open question Q
	StepResults   StepKind = "results"   // reveal the last question, post the results
)

// Step is one due action of the timeline.
type Step struct {
	Kind StepKind  `json:"kind"`
	At   time.Time `json:"at"`
	Q    int       `json:"q,omitempty"`
}

// SessionQuestion is one question as put in a session.
type SessionQuestion struct {
	QID     string    `json:"qid"`
	Perm    []int     `json:"perm,omitempty"` // displayed position -> option index
	OpenAt  time.Time `json:"open_at"`
	CloseAt time.Time `json:"close_at"`
	Review  []string  `json:"review,omitempty"` // members for whom this is a wrong-book review
	Opened  bool      `json:"opened,omitempty"`
	Skipped bool      `json:"skipped,omitempty"` // never put (a restart missed its window)
	// Prev is the previous question's answer in one line, shown on this
	// question's card (the group gets no post of its own for it).
	Prev string `json:"prev,omitempty"`
}

// Session is a lesson or contest in progress, the whole timeline in the store.
type Session struct {
	ID        string            `json:"id"`
	Kind      Kind              `json:"kind"`
	TeamID    string            `json:"team_id"`
	Platform  string            `json:"platform"`
	ChatID    string            `json:"chat_id"`
	LessonID  string            `json:"lesson_id,omitempty"`
	Topic     string            `json:"topic"`
	Reason    string            `json:"reason,omitempty"`     // why this lesson was chosen
	StartedBy string            `json:"started_by,omitempty"` // member id, "" for the schedule
	Start     time.Time         `json:"start"`
	Step      int               `json:"step"` // index of the next step to run
	Steps     []Step            `json:"steps"`
	Questions []SessionQuestion `json:"questions"`
	Limit     time.Duration     `json:"limit"` // per question
	Done      bool              `json:"done,omitempty"`
	Practice  *Practice         `json:"practice,omitempty"` // 实操演练 instead of the quiz (practice.go)
}

// NewSession plans a session starting at start: for a lesson the knowledge
// point, the case at +3 min, questions from +8 min and results by +15 min;
// for a contest the questions right away. Options of each question are
// shuffled from the session id.
func NewSession(id string, kind Kind, start time.Time, qids []string, reviewFor map[string][]string, bank *Bank, o Options) (*Session, error) {
	o = o.Norm()
	if len(qids) == 0 {
		return nil, fmt.Errorf("no questions")
	}
	s := &Session{ID: id, Kind: kind, Start: start, Limit: o.QuestionTime}
	at := start
	if kind == KindLesson {
		s.Steps = append(s.Steps, Step{Kind: StepKnowledge, At: start}, Step{Kind: StepCase, At: start.Add(o.KnowledgeFor)})
		at = start.Add(o.KnowledgeFor + o.CaseFor)
	} else {
		s.Limit = o.ContestTime
	}
	for i, qid := range qids {
		q, _ := bank.Question(qid)
		if q == nil {
			return nil, fmt.Errorf("unknown question %s", qid)
		}
		sq := SessionQuestion{QID: qid, OpenAt: at, CloseAt: at.Add(s.Limit), Review: reviewFor[qid]}
		if q.Type == Single || q.Type == Multiple {
			sq.Perm = Shuffle(len(q.Options), fmt.Sprintf("%s/%d/%s", id, i, qid))
		}
		s.Questions = append(s.Questions, sq)
		s.Steps = append(s.Steps, Step{Kind: StepQuestion, At: at, Q: i})
		at = sq.CloseAt.Add(o.Gap)
	}
	s.Steps = append(s.Steps, Step{Kind: StepResults, At: at})
	return s, nil
}

// Due returns the next step when it is due at now.
func (s *Session) Due(now time.Time) (Step, bool) {
	if s.Done || s.Step >= len(s.Steps) || s.Steps[s.Step].At.After(now) {
		return Step{}, false
	}
	return s.Steps[s.Step], true
}

// NextAt is when the next step is due (zero when none).
func (s *Session) NextAt() time.Time {
	if s.Done || s.Step >= len(s.Steps) {
		return time.Time{}
	}
	return s.Steps[s.Step].At
}

// Complete marks the due step done; the results step ends the session.
func (s *Session) Complete() {
	if s.Step < len(s.Steps) && s.Steps[s.Step].Kind == StepResults {
		s.Done = true
	}
	s.Step++
}

// Open returns the question accepting answers at now, or -1.
func (s *Session) Open(now time.Time) int {
	for i := range s.Questions {
		q := &s.Questions[i]
		if q.Opened && !q.Skipped && !now.Before(q.OpenAt) && now.Before(q.CloseAt) {
			return i
		}
	}
	return -1
}

// Current returns the last question put (open or closed), or -1.
func (s *Session) Current() int {
	cur := -1
	for i := range s.Questions {
		if s.Questions[i].Opened {
			cur = i
		}
	}
	return cur
}

// Asked counts the questions put so far.
func (s *Session) Asked() int { return s.Current() + 1 }

// Skip moves the timeline so the next step is due at now, keeping the time
// between the later steps; an open question closes now.
func (s *Session) Skip(now time.Time) {
	if s.Done || s.Step >= len(s.Steps) {
		return
	}
	d := s.Steps[s.Step].At.Sub(now)
	if d <= 0 {
		return
	}
	for i := s.Step; i < len(s.Steps); i++ {
		s.Steps[i].At = s.Steps[i].At.Add(-d)
	}
	for i := range s.Questions {
		q := &s.Questions[i]
		if q.Opened {
			if q.CloseAt.After(now) {
				q.CloseAt = now
			}
			continue
		}
		q.OpenAt, q.CloseAt = q.OpenAt.Add(-d), q.CloseAt.Add(-d)
	}
	// 实操演练 moves with its steps: replies are taken from when the
	// practice step now comes to when the results now come.
	if p := s.Practice; p != nil {
		if p.OpenAt.After(now) {
			p.OpenAt = p.OpenAt.Add(-d)
		}
		p.CloseAt = p.CloseAt.Add(-d)
	}
}

// EndAt is when the results are due.
func (s *Session) EndAt() time.Time {
	if len(s.Steps) == 0 {
		return s.Start
	}
	return s.Steps[len(s.Steps)-1].At
}
