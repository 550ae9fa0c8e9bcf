package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// QuizDraftsColl is the collection of quiz questions proposed by other
// features, waiting for a supervisor to approve them into the question bank.
const QuizDraftsColl = "quiz.drafts"

// QuizDraft is a quiz question proposed from a knowledge entry. It is stored
// as JSON in the collection "quiz.drafts" under the key "<team>/<id>", where
// id is "knowledge-<entry id>", so each entry yields at most one draft. The
// lessons feature owns the question bank: it lists drafts in state "draft",
// lets a supervisor approve them (setting State to "approved" and copying the
// question into its bank) or discard them (State "discarded").
//
// Type is "single" (one correct option among Options; Answer holds its
// index) or "truefalse" (Options are 对 and 错). Indexes in Answer are
// 0-based positions in Options.
type QuizDraft struct {
	ID          string    `json:"id"`    // "knowledge-12"
	Team        string    `json:"team"`  // team id
	State       string    `json:"state"` // draft, approved, discarded
	Type        string    `json:"type"`  // single or truefalse
	Question    string    `json:"question"`
	Options     []string  `json:"options"`
	Answer      []int     `json:"answer"`
	Explanation string    `json:"explanation"`
	Tags        []string  `json:"tags,omitempty"`
	Source      string    `json:"source"`     // "knowledge"
	SourceRef   string    `json:"source_ref"` // "knowledge:team:id"
	CreatedBy   string    `json:"created_by"` // member id
	Created     time.Time `json:"created"`
}

// Quiz draft states.
const (
	DraftPending   = "draft"
	DraftApproved  = "approved"
	DraftDiscarded = "discarded"
)

const maxOption = 80 // characters of an option in a chat card

// ToQuiz turns an approved entry into a draft quiz question: the entry's
// answer is the correct option and the answers of the entries most easily
// confused with it are the wrong ones. created is false when the entry had a
// draft already (which is returned).
func (s *Service) ToQuiz(ctx context.Context, team string, id int64, by Actor) (*QuizDraft, bool, error) {
	e, err := s.Get(ctx, team, id)
	if err != nil {
		return nil, false, err
	}
	if err := wantState(e, Approved, "出题"); err != nil {
		return nil, false, err
	}
	key := fmt.Sprintf("%s/knowledge-%d", team, id)
	if d, _, err := s.quizDraft(ctx, key); err == nil {
		return d, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	idx, err := s.index(ctx, team)
	if err != nil {
		return nil, false, err
	}
	correct := Clip(e.Answer, maxOption)
	var wrong []string
	seen := map[string]bool{Normalize(correct): true}
	// The entries most like this one make the hardest wrong options; any
	// other approved entry fills up.
	var others []*Entry
	for _, h := range idx.search(e.Question+" "+e.Category(), 10, 0) {
		others = append(others, h.Entry)
	}
	for _, d := range idx.docs {
		if d.State == Approved {
			others = append(others, d)
		}
	}
	for _, o := range others {
		opt := Clip(o.Answer, maxOption)
		if o.ID == e.ID || seen[Normalize(opt)] {
			continue
		}
		seen[Normalize(opt)] = true
		wrong = append(wrong, opt)
		if len(wrong) == 3 {
			break
		}
	}
	d := &QuizDraft{ID: fmt.Sprintf("knowledge-%d", id), Team: team, State: DraftPending,
		Question: e.Question, Explanation: e.Answer, Tags: e.Tags, Source: "knowledge",
		SourceRef: fmt.Sprintf("knowledge:%s:%d", team, id), CreatedBy: by.ID, Created: s.now()}
	if len(wrong) == 0 {
		d.Type = "truefalse"
		d.Question = fmt.Sprintf("判断：客户问「%s」，正确的答复是「%s」", e.Question, correct)
		d.Options, d.Answer = []string{"对", "错"}, []int{0}
	} else {
		d.Type = "single"
		pos := int(id) % (len(wrong) + 1)
		d.Options = append(append(append([]string{}, wrong[:pos]...), correct), wrong[pos:]...)
		d.Answer = []int{pos}
	}
	v, err := json.Marshal(d)
	if err != nil {
		return nil, false, err
	}
	created, err := s.st.PutIfAbsent(ctx, QuizDraftsColl, key, v)
	if err != nil {
		return nil, false, err
	}
	if !created {
		return s.quizDraft(ctx, key)
	}
	if err := s.award(ctx, team, by.ID, s.set.QuizDraftPoints, ReasonQuizDraft, id, "knowledge:quiz:"+key, d.Created); err != nil {
		return d, true, err
	}
	return d, true, nil
}

func (s *Service) quizDraft(ctx context.Context, key string) (*QuizDraft, bool, error) {
	v, err := s.st.Get(ctx, QuizDraftsColl, key)
	if err != nil {
		return nil, false, err
	}
	var d QuizDraft
	return &d, false, json.Unmarshal(v, &d)
}
