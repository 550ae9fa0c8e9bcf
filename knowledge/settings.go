package knowledge

import "time"

// Settings are the knowledge base's rules. Every figure is configuration;
// DefaultSettings holds the practitioners' defaults.
type Settings struct {
	VerifyDays      int // an approved entry is re-verified this many days after approval or its last verification
	DueSoonDays     int // the weekly reminder also lists entries due within this many days
	MaxQuestion     int // characters
	MaxAnswer       int // characters
	MaxSimilar      int // similar questions per entry
	MaxTags         int
	MaxTag          int // characters per tag
	MaxReason       int // characters of a rejection or retirement reason
	MaxPending      int // pending submissions one member may have at a time
	TopUnanswered   int // unanswered questions in the weekly post
	UnansweredDays  int // the window the weekly post counts asks over
	HintMin         float64
	AskMergeMin     float64 // an /ask this similar to an open one counts as a repeat
	AnswerLinkMin   float64 // an approved entry this similar to an open ask answers it
	ApprovePoints   int64   // points to the submitter of an approved entry
	VerifyPoints    int64   // points to whoever re-verifies an entry when due
	QuizDraftPoints int64   // points to whoever turns an entry into a quiz draft
}

// DefaultSettings are the defaults from the domain notes: 90-day
// re-verification, the week's top 20 unanswered questions.
func DefaultSettings() Settings {
	return Settings{
		VerifyDays:      90,
		DueSoonDays:     7,
		MaxQuestion:     200,
		MaxAnswer:       2000,
		MaxSimilar:      10,
		MaxTags:         5,
		MaxTag:          20,
		MaxReason:       200,
		MaxPending:      20,
		TopUnanswered:   20,
		UnansweredDays:  7,
		HintMin:         0.3,
		AskMergeMin:     0.7,
		AnswerLinkMin:   0.6,
		ApprovePoints:   1000, // about one fast right quiz answer: on the same scale as quiz and award points
		VerifyPoints:    200,
		QuizDraftPoints: 100,
	}
}

func (s Settings) verifyEvery() time.Duration { return time.Duration(s.VerifyDays) * 24 * time.Hour }

// checkText refuses empty or oversized text, naming the limit.
func checkText(what, text string, limit int) error {
	if Normalize(text) == "" {
		return userf(ErrLimit, "%s不能为空。", what)
	}
	if n := Len(text); n > limit {
		return userf(ErrLimit, "%s太长了：%d 字，最多 %d 字。", what, n, limit)
	}
	return nil
}

// check validates a submission against the limits.
func (s Settings) check(sub *Submission) error {
	if err := checkText("问题", sub.Question, s.MaxQuestion); err != nil {
		return err
	}
	if err := checkText("答案", sub.Answer, s.MaxAnswer); err != nil {
		return err
	}
	if len(sub.Similar) > s.MaxSimilar {
		return userf(ErrLimit, "相似问题太多了：%d 条，最多 %d 条。", len(sub.Similar), s.MaxSimilar)
	}
	for _, q := range sub.Similar {
		if err := checkText("相似问题", q, s.MaxQuestion); err != nil {
			return err
		}
	}
	if len(sub.Tags) > s.MaxTags {
		return userf(ErrLimit, "标签太多了：%d 个，最多 %d 个。", len(sub.Tags), s.MaxTags)
	}
	for _, t := range sub.Tags {
		if err := checkText("标签", t, s.MaxTag); err != nil {
			return err
		}
	}
	return nil
}
