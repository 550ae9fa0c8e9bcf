package lesson

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/banzu-bot/banzu/points"
	"github.com/banzu-bot/banzu/store"
)

// Store collections and ledgers.
const (
	collActive   = "lesson.active"   // team -> Session in progress
	collHistory  = "lesson.history"  // team/start/session -> Summary
	collAnswers  = "lesson.answers"  // session/NNN/member -> Answer (first answer only)
	collDrafts   = "lesson.drafts"   // session/NNN/member -> Response being built by taps
	collWrong    = "lesson.wrong"    // member/qid -> WrongItem
	collBank     = "lesson.bank"     // lesson id -> imported Lesson
	collPersonal = "lesson.personal" // member -> Personal set
	collCamp     = "lesson.camp"     // member -> Camp

	// PointsLedger is the shared points ledger (package points).
	PointsLedger = points.Ledger
)

// Repo keeps lessons' state in the store.
type Repo struct {
	st       store.Store
	active   store.Coll[Session]
	history  store.Coll[Summary]
	answers  store.Coll[Answer]
	drafts   store.Coll[[]int]
	wrong    store.Coll[WrongItem]
	bank     store.Coll[Lesson]
	personal store.Coll[Personal]
	camps    store.Coll[Camp]
	practice store.Coll[PracticeReply]
}

// NewRepo returns a repo over st.
func NewRepo(st store.Store) *Repo {
	return &Repo{st: st,
		active:   store.NewColl[Session](st, collActive),
		history:  store.NewColl[Summary](st, collHistory),
		answers:  store.NewColl[Answer](st, collAnswers),
		drafts:   store.NewColl[[]int](st, collDrafts),
		wrong:    store.NewColl[WrongItem](st, collWrong),
		bank:     store.NewColl[Lesson](st, collBank),
		personal: store.NewColl[Personal](st, collPersonal),
		camps:    store.NewColl[Camp](st, collCamp),
		practice: store.NewColl[PracticeReply](st, collPractice),
	}
}

// values collects what a list or range of documents gives.
func values[T any](out *[]T) func(string, *T) error {
	return func(_ string, v *T) error {
		*out = append(*out, *v)
		return nil
	}
}

// Bank is the starter bank with imported lessons over it.
func (r *Repo) Bank(ctx context.Context) (*Bank, error) {
	over, err := r.bank.List(ctx, "")
	if err != nil {
		return nil, err
	}
	return Starter().Merge(over), nil
}

// AddQuestion appends q to the lesson base.ID in one atomic update (to the
// stored lesson, or to base when the bank stores none yet), once: the same
// question approved twice, here or on another replica, is added once, and
// two approvals at once both land. It returns the lesson as stored and q's
// number in it.
func (r *Repo) AddQuestion(ctx context.Context, base *Lesson, q Question) (*Lesson, int, error) {
	probe := *base
	probe.Questions = []Question{q}
	if errs := Check([]*Lesson{&probe}, func(_, qi int) string { return fmt.Sprintf("课程 %s 第 %d 题", base.ID, qi+1) }); len(errs) > 0 {
		return nil, 0, &ImportError{File: "题库", Errors: errs}
	}
	n := 0
	stored, err := r.bank.Upsert(ctx, base.ID, func(l *Lesson) error {
		if l.ID == "" {
			*l = *base
			l.Questions = append([]Question(nil), base.Questions...)
		}
		for i, have := range l.Questions {
			if have.ID == q.ID {
				n = i + 1
				return errAdded
			}
		}
		l.Questions = append(l.Questions, q)
		n = len(l.Questions)
		return nil
	})
	if errors.Is(err, errAdded) {
		stored, err = r.bank.Get(ctx, base.ID)
	}
	if err != nil {
		return nil, 0, err
	}
	return stored, n, nil
}

// errAdded stops AddQuestion's update: the question is there already.
var errAdded = errors.New("lesson: question already in the lesson")

// Import stores lessons (already parsed and checked) over the bank, all or
// nothing: a question id another lesson of the bank uses is refused.
func (r *Repo) Import(ctx context.Context, lessons []*Lesson) error {
	bank, err := r.Bank(ctx)
	if err != nil {
		return err
	}
	merged := bank.Merge(lessons)
	if errs := Check(merged.Lessons, func(li, qi int) string {
		if qi >= 0 {
			return fmt.Sprintf("课程 %s 第 %d 题", merged.Lessons[li].ID, qi+1)
		}
		return "课程 " + merged.Lessons[li].ID
	}); len(errs) > 0 {
		return &ImportError{File: "题库", Errors: errs}
	}
	items := make([]store.KV, 0, len(lessons))
	for _, l := range lessons {
		op, err := r.bank.PutOp(l.ID, l)
		if err != nil {
			return err
		}
		items = append(items, store.KV{Key: l.ID, Value: op.Value})
	}
	return r.st.PutBatch(ctx, collBank, items)
}

// Begin stores s as its team's session in progress; false when one is running.
func (r *Repo) Begin(ctx context.Context, s *Session) (bool, error) {
	return r.active.PutIfAbsent(ctx, s.TeamID, s)
}

// Active returns the team's session in progress, or nil.
func (r *Repo) Active(ctx context.Context, team string) (*Session, error) {
	return r.active.Find(ctx, team)
}

// Actives lists every session in progress.
func (r *Repo) Actives(ctx context.Context) ([]*Session, error) {
	return r.active.List(ctx, "")
}

// Save writes a session in progress.
func (r *Repo) Save(ctx context.Context, s *Session) error {
	return r.active.Put(ctx, s.TeamID, s)
}

// Summary is what history keeps of a finished session.
type Summary struct {
	SessionID string         `json:"session_id"`
	Kind      Kind           `json:"kind"`
	TeamID    string         `json:"team_id"`
	LessonID  string         `json:"lesson_id,omitempty"`
	Topic     string         `json:"topic"`
	Start     time.Time      `json:"start"`
	Asked     int            `json:"asked"`
	Stopped   bool           `json:"stopped,omitempty"`
	QIDs      []string       `json:"qids,omitempty"`     // questions in session order
	Scores    map[string]int `json:"scores,omitempty"`   // member -> points
	Correct   map[string]int `json:"correct,omitempty"`  // member -> right answers
	Answered  map[string]int `json:"answered,omitempty"` // member -> answers given
}

func historyKey(team string, start time.Time, id string) string {
	return team + "/" + start.UTC().Format("2006-01-02T15:04:05") + "/" + id
}

// Finish moves a session from in progress to history.
func (r *Repo) Finish(ctx context.Context, s *Session, sum Summary) error {
	op, err := r.history.PutOp(historyKey(s.TeamID, s.Start, s.ID), &sum)
	if err != nil {
		return err
	}
	return r.st.Write(ctx, []store.Op{op, store.DeleteOp(collActive, s.TeamID)})
}

// AddHistory records a finished session directly (demo data).
func (r *Repo) AddHistory(ctx context.Context, sum Summary) error {
	return r.history.Put(ctx, historyKey(sum.TeamID, sum.Start, sum.SessionID), &sum)
}

// History lists a team's finished sessions since since, oldest first.
func (r *Repo) History(ctx context.Context, team string, since time.Time) ([]Summary, error) {
	var out []Summary
	err := r.history.Range(ctx, team+"/"+since.UTC().Format("2006-01-02T15:04:05"), store.PrefixEnd(team+"/"), values(&out))
	return out, err
}

func answerKey(session string, q int, member string) string {
	return fmt.Sprintf("%s/%03d/%s", session, q, member)
}

// Answer stores a first answer; false when the member had answered already.
// It is atomic across replicas.
func (r *Repo) Answer(ctx context.Context, session string, a Answer) (bool, error) {
	return r.answers.PutIfAbsent(ctx, answerKey(session, a.Q, a.Member), &a)
}

// Answers lists a session's answers in question then member order.
func (r *Repo) Answers(ctx context.Context, session string) ([]Answer, error) {
	var out []Answer
	err := r.answers.Prefix(ctx, session+"/", values(&out))
	return out, err
}

// Draft returns the options a member has tapped so far on a multiple-choice
// question, and SetDraft replaces them.
func (r *Repo) Draft(ctx context.Context, session string, q int, member string) ([]int, error) {
	picks, err := r.drafts.Find(ctx, answerKey(session, q, member))
	if picks == nil || err != nil {
		return nil, err
	}
	return *picks, nil
}

// SetDraft stores the options tapped so far.
func (r *Repo) SetDraft(ctx context.Context, session string, q int, member string, picks []int) error {
	return r.drafts.Put(ctx, answerKey(session, q, member), &picks)
}

// Wrong lists a member's wrong-answer book, most recent miss first.
func (r *Repo) Wrong(ctx context.Context, member string) ([]WrongItem, error) {
	var out []WrongItem
	err := r.wrong.Prefix(ctx, member+"/", values(&out))
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastMiss.After(out[j].LastMiss) })
	return out, err
}

// Miss puts a question into a member's wrong-answer book (back to box 1).
func (r *Repo) Miss(ctx context.Context, member string, q *Question, l *Lesson, given string, now time.Time) error {
	_, err := r.wrong.Upsert(ctx, member+"/"+q.ID, func(w *WrongItem) error {
		if w.QID == "" {
			w.QID = q.ID
		}
		if l != nil {
			w.LessonID, w.Topic = l.ID, l.Topic
		}
		w.Miss(now, given)
		return nil
	})
	return err
}

// Hit records a right answer to a question in the member's book; it moves up
// a box or leaves the book. A question not in the book is left alone.
func (r *Repo) Hit(ctx context.Context, member, qid string, now time.Time) (inBook, mastered bool, err error) {
	_, err = r.wrong.Update(ctx, member+"/"+qid, func(w *WrongItem) error {
		mastered = w.Hit(now)
		if mastered {
			return store.ErrDelete
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, mastered, nil
}

// PointsEntry is an entry of the shared points ledger; lessons write Source
// "quiz", "contest" or "practice" and the session id as Ref.
type PointsEntry = points.Entry

// AddPoints appends to the points ledger once per idempotency key.
func (r *Repo) AddPoints(ctx context.Context, idem string, e PointsEntry) error {
	return points.Append(ctx, r.st, idem, e)
}

// Personal is one person's own question set: a /review, a camp day's
// practice or the camp exam. Questions are answered one at a time.
type Personal struct {
	ID       string    `json:"id"`
	Member   string    `json:"member"`
	Kind     string    `json:"kind"` // "review", "camp", "exam"
	TeamID   string    `json:"team_id"`
	QIDs     []string  `json:"qids"`
	Idx      int       `json:"idx"`
	Correct  int       `json:"correct"`
	Wrong    []string  `json:"wrong,omitempty"`
	Platform string    `json:"platform"`
	ChatID   string    `json:"chat_id"`
	UserID   string    `json:"user_id,omitempty"` // platform user id when sent in a single chat
	Started  time.Time `json:"started"`
}

// Personal returns a member's set in progress, or nil.
func (r *Repo) Personal(ctx context.Context, member string) (*Personal, error) {
	return r.personal.Find(ctx, member)
}

// SavePersonal stores a member's set; EndPersonal removes it.
func (r *Repo) SavePersonal(ctx context.Context, p *Personal) error {
	return r.personal.Put(ctx, p.Member, p)
}

// EndPersonal removes a member's set.
func (r *Repo) EndPersonal(ctx context.Context, member string) error {
	return r.personal.Delete(ctx, member)
}

// Camp is a new hire's seven-day camp.
type Camp struct {
	Member    string   `json:"member"`
	TeamID    string   `json:"team_id"`
	Platform  string   `json:"platform"`
	ChatID    string   `json:"chat_id"`           // the team chat the camp was started in
	UserID    string   `json:"user_id,omitempty"` // the new hire's user id on Platform: the camp runs in their private chat
	StartDay  string   `json:"start_day"`         // YYYY-MM-DD, day 1
	Days      int      `json:"days"`              // 7, more after a failed exam
	Done      []int    `json:"done,omitempty"`
	Status    string   `json:"status"`          // "active", "passed"
	Exams     []int    `json:"exams,omitempty"` // exam scores in percent
	StartedBy string   `json:"started_by"`
	Notes     []string `json:"notes,omitempty"`
}

// Camp returns a member's camp, or nil.
func (r *Repo) Camp(ctx context.Context, member string) (*Camp, error) {
	return r.camps.Find(ctx, member)
}

// SaveCamp stores a camp.
func (r *Repo) SaveCamp(ctx context.Context, c *Camp) error {
	return r.camps.Put(ctx, c.Member, c)
}

// Camps lists every camp.
func (r *Repo) Camps(ctx context.Context) ([]*Camp, error) {
	return r.camps.List(ctx, "")
}

// Answered reports whether member has answered question q of a session.
func (r *Repo) Answered(ctx context.Context, session string, q int, member string) (bool, error) {
	a, err := r.answers.Find(ctx, answerKey(session, q, member))
	return a != nil, err
}
