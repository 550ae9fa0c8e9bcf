package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
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
	// Note tells the reviewer what the draft lacks, e.g. too few wrong
	// options were found; empty when it is complete.
	Note string `json:"note,omitempty"`
}

// Quiz draft states.
const (
	DraftPending   = "draft"
	DraftApproved  = "approved"
	DraftDiscarded = "discarded"
)

const maxOption = 80 // characters of an option in a chat card

// Distractor rules: a wrong option must not say what the right one says.
const (
	// distractorMaxSimilarity is the highest Dice similarity of bigrams a
	// wrong option's answer may have with the right answer.
	distractorMaxSimilarity = 0.4
	// distractorMaxOverlap is the highest share of the shorter answer's
	// bigrams the other may hold: "质量问题我们承担" is inside "质量问题…运费
	// 由我们承担" even though the longer one says more.
	distractorMaxOverlap = 0.8
	// distractorSameQuestion is how similar another entry's question (or
	// one of its similar questions) may be to this one's before the entry
	// counts as asking the same thing, whose answer may be right here too,
	// however worded: 退货运费谁出 and 质量问题退货运费谁承担 (0.62) are;
	// 退款多久到账 and 运费险多久到账 (0.55) are not.
	distractorSameQuestion = 0.6
	// MinDistractors is how many wrong options make a complete question.
	MinDistractors = 2
	maxDistractors = 3
)

// ToQuiz turns an approved entry into a draft quiz question: the entry's
// answer is the correct option and other approved entries' answers are the
// wrong ones (see distractors). With fewer than MinDistractors good wrong
// options the draft says so in Note for the supervisor to complete it; with
// none it is a true/false question. created is false when the entry had a
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
	for _, o := range distractors(idx, e, maxDistractors) {
		wrong = append(wrong, Clip(o.Answer, maxOption))
	}
	d := &QuizDraft{ID: fmt.Sprintf("knowledge-%d", id), Team: team, State: DraftPending,
		Question: e.Question, Explanation: e.Answer, Tags: e.Tags, Source: "knowledge",
		SourceRef: fmt.Sprintf("knowledge:%s:%d", team, id), CreatedBy: by.ID, Created: s.now()}
	switch len(wrong) {
	case 0:
		d.Note = "没有找到合适的干扰项（其他条目的答案与正确答案太像或知识库条目太少），先做成判断题；主管审核时可改成选择题并补全选项。"
	case 1:
		d.Note = "只找到 1 个合适的干扰项，请主管审核时补全选项。"
	}
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

// distractors picks up to n approved entries whose answers make wrong options
// for e: never one that says what e's answer says (too similar, containing it
// or contained in it, see equivalentAnswers), nor one asking e's question
// again, nor two alike. Entries of e's category come first, then those
// sharing a tag, then those search finds for e's question, then the rest;
// within each, the more related first.
func distractors(idx *Index, e *Entry, n int) []*Entry {
	rank := map[int64]int{}
	for i, h := range idx.search(e.Question+" "+strings.Join(e.Tags, " "), 0, 0) {
		rank[h.Entry.ID] = i + 1
	}
	tier := func(o *Entry) int {
		switch {
		case len(e.Tags) > 0 && len(o.Tags) > 0 && o.Tags[0] == e.Tags[0]:
			return 0
		case sharesTag(e, o):
			return 1
		case rank[o.ID] > 0:
			return 2
		}
		return 3
	}
	var cands []*Entry
	for _, o := range idx.docs {
		if o.State != Approved || o.ID == e.ID || equivalentAnswers(e.Answer, o.Answer) || similarEntries(e, o) {
			continue
		}
		cands = append(cands, o)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if ta, tb := tier(a), tier(b); ta != tb {
			return ta < tb
		}
		ra, rb := rank[a.ID], rank[b.ID]
		if (ra > 0) != (rb > 0) {
			return ra > 0
		}
		if ra != rb {
			return ra < rb
		}
		return a.ID < b.ID
	})
	var out []*Entry
	for _, o := range cands {
		if len(out) == n {
			break
		}
		alike := false
		for _, p := range out {
			if equivalentAnswers(p.Answer, o.Answer) {
				alike = true
				break
			}
		}
		if !alike {
			out = append(out, o)
		}
	}
	return out
}

// similarEntries reports whether two entries ask the same thing, so that
// either's answer may be right for the other: a question or similar
// question of one equals, contains or closely resembles one of the other's
// (多久发货 is inside 预售商品多久发货, whose answer is right for it too).
func similarEntries(a, b *Entry) bool {
	for _, q := range append([]string{a.Question}, a.Similar...) {
		nq := Normalize(q)
		for _, p := range append([]string{b.Question}, b.Similar...) {
			np := Normalize(p)
			if nq == "" || np == "" {
				continue
			}
			if nq == np || strings.Contains(nq, np) || strings.Contains(np, nq) || Similarity(q, p) >= distractorSameQuestion {
				return true
			}
		}
	}
	return false
}

func sharesTag(a, b *Entry) bool {
	for _, t := range a.Tags {
		for _, u := range b.Tags {
			if Normalize(t) == Normalize(u) {
				return true
			}
		}
	}
	return false
}

// equivalentAnswers reports whether two answers say the same thing as far as
// their text shows: one holds the other, they share most bigrams, or the
// shorter one's bigrams are nearly all in the longer.
func equivalentAnswers(a, b string) bool {
	na, nb := Normalize(a), Normalize(b)
	if na == "" || nb == "" {
		return na == nb
	}
	if strings.Contains(na, nb) || strings.Contains(nb, na) {
		return true
	}
	fa, fb := features(a), features(b)
	if dice(fa, fb) > distractorMaxSimilarity {
		return true
	}
	return overlap(fa, fb) >= distractorMaxOverlap
}

// overlap is the share of the smaller set's terms found in the larger; 0
// when the smaller has fewer than two (one shared word says little).
func overlap(a, b map[string]int) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 2 {
		return 0
	}
	common := 0
	for k := range a {
		if _, ok := b[k]; ok {
			common++
		}
	}
	return float64(common) / float64(len(a))
}

// QuizDrafts lists a team's quiz drafts in state (all states when empty),
// by entry number.
func (s *Service) QuizDrafts(ctx context.Context, team, state string) ([]*QuizDraft, error) {
	var out []*QuizDraft
	prefix := team + "/"
	err := s.st.Scan(ctx, QuizDraftsColl, prefix, store.PrefixEnd(prefix), func(_ string, v []byte) error {
		var d QuizDraft
		if err := json.Unmarshal(v, &d); err != nil {
			return nil // a malformed draft is skipped, not fatal to the list
		}
		if state == "" || d.State == state {
			out = append(out, &d)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return draftNum(out[i].ID) < draftNum(out[j].ID) })
	return out, err
}

func draftNum(id string) int64 {
	var n int64
	fmt.Sscanf(strings.TrimPrefix(id, "knowledge-"), "%d", &n)
	return n
}

// QuizDraft returns the draft made from entry id of team.
func (s *Service) QuizDraft(ctx context.Context, team string, id int64) (*QuizDraft, error) {
	d, _, err := s.quizDraft(ctx, fmt.Sprintf("%s/knowledge-%d", team, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, userf(ErrNotFound, "#%d 还没有测验题草稿，先发送 /toquiz %d。", id, id)
	}
	return d, err
}

// SettleQuizDraft records a supervisor's decision on a pending draft: state
// is DraftApproved (the caller has put the question in the bank) or
// DraftDiscarded. Settling again to the same state returns the draft
// unchanged; a draft settled the other way is an ErrState error.
func (s *Service) SettleQuizDraft(ctx context.Context, team string, id int64, state string, by Actor) (*QuizDraft, error) {
	if !by.Supervisor {
		return nil, userf(ErrPermission, "只有本团队的主管可以审核测验题。")
	}
	if state != DraftApproved && state != DraftDiscarded {
		return nil, fmt.Errorf("knowledge: bad draft state %q", state)
	}
	s.draftMu.Lock()
	defer s.draftMu.Unlock()
	d, err := s.QuizDraft(ctx, team, id)
	if err != nil {
		return nil, err
	}
	switch d.State {
	case state:
		return d, nil
	case DraftPending:
	default:
		return nil, userf(ErrState, "题%d 已经%s，不能再改。", id, map[string]string{DraftApproved: "进入题库", DraftDiscarded: "放弃"}[d.State])
	}
	d.State = state
	v, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return d, s.st.Put(ctx, QuizDraftsColl, fmt.Sprintf("%s/knowledge-%d", team, id), v)
}
