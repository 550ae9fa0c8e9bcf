package config

import (
	"errors"
	"fmt"
)

// Knowledge configures knowledge crowdsourcing: re-verification, the limits
// on submissions, the weekly unanswered-questions post, the similarity
// thresholds and the points. Defaults are in DefaultKnowledge.
type Knowledge struct {
	// VerifyDays is how long after approval (or the last verification) an
	// entry is due for re-verification; the weekly reminder also lists
	// entries due within DueSoonDays.
	VerifyDays  int `yaml:"verify_days"`
	DueSoonDays int `yaml:"due_soon_days"`
	// Limits on a submission, in characters (MaxSimilar, MaxTags: items).
	MaxQuestion int `yaml:"max_question"`
	MaxAnswer   int `yaml:"max_answer"`
	MaxSimilar  int `yaml:"max_similar"`
	MaxTags     int `yaml:"max_tags"`
	MaxTag      int `yaml:"max_tag"`
	MaxReason   int `yaml:"max_reason"`
	// MaxPending is how many submissions one member may have waiting.
	MaxPending int `yaml:"max_pending"`
	// TopUnanswered questions asked over the last UnansweredDays go into the
	// weekly post.
	TopUnanswered  int `yaml:"top_unanswered"`
	UnansweredDays int `yaml:"unanswered_days"`
	// Similarity thresholds (0 to 1): HintMin shows similar entries on
	// submit, AskMergeMin counts an /ask as a repeat, AnswerLinkMin lets a
	// newly approved entry answer an open ask.
	HintMin       float64         `yaml:"hint_min"`
	AskMergeMin   float64         `yaml:"ask_merge_min"`
	AnswerLinkMin float64         `yaml:"answer_link_min"`
	Points        KnowledgePoints `yaml:"points"`
}

// KnowledgePoints are the points knowledge work earns.
type KnowledgePoints struct {
	Approve   int `yaml:"approve"`    // to the submitter of an approved entry
	Verify    int `yaml:"verify"`     // to whoever re-verifies an entry when due
	QuizDraft int `yaml:"quiz_draft"` // to whoever turns an entry into a quiz draft
}

// DefaultKnowledge: 90-day re-verification, the week's top 20 unanswered
// questions, 1000 points for an approved entry.
func DefaultKnowledge() Knowledge {
	return Knowledge{
		VerifyDays: 90, DueSoonDays: 7,
		MaxQuestion: 200, MaxAnswer: 2000, MaxSimilar: 10, MaxTags: 5, MaxTag: 20, MaxReason: 200,
		MaxPending:    20,
		TopUnanswered: 20, UnansweredDays: 7,
		HintMin: 0.3, AskMergeMin: 0.7, AnswerLinkMin: 0.6,
		Points: KnowledgePoints{Approve: 1000, Verify: 200, QuizDraft: 100},
	}
}

// ValidateKnowledge checks the knowledge section; each problem names its key.
func (k *Knowledge) ValidateKnowledge() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("knowledge.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	between := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(key, "应在 %d 到 %d 之间，得到 %d", lo, hi, v)
		}
	}
	between("verify_days", k.VerifyDays, 1, 3650)
	between("due_soon_days", k.DueSoonDays, 0, 365)
	between("max_question", k.MaxQuestion, 10, 2000)
	between("max_answer", k.MaxAnswer, 10, 20000)
	between("max_similar", k.MaxSimilar, 0, 100)
	between("max_tags", k.MaxTags, 0, 50)
	between("max_tag", k.MaxTag, 1, 100)
	between("max_reason", k.MaxReason, 1, 2000)
	between("max_pending", k.MaxPending, 1, 1000)
	between("top_unanswered", k.TopUnanswered, 1, 100)
	between("unanswered_days", k.UnansweredDays, 1, 90)
	for _, f := range []struct {
		key string
		v   float64
	}{{"hint_min", k.HintMin}, {"ask_merge_min", k.AskMergeMin}, {"answer_link_min", k.AnswerLinkMin}} {
		if f.v <= 0 || f.v > 1 {
			bad(f.key, "相似度阈值应大于 0 且不大于 1，得到 %g", f.v)
		}
	}
	p := k.Points
	for _, f := range []struct {
		key string
		v   int
	}{{"points.approve", p.Approve}, {"points.verify", p.Verify}, {"points.quiz_draft", p.QuizDraft}} {
		if f.v < 0 {
			bad(f.key, "积分不能为负数，得到 %d", f.v)
		}
	}
	return errors.Join(errs...)
}
