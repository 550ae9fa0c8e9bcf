package lesson

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
)

// 实操演练: the 7-minute slot of a lesson as hands-on practice instead of a
// quiz. A customer message from the lesson's case is posted, each agent
// writes their reply privately to the bot, the reply is scored (the 话术
// check and the lesson's key points, by the caller) and the best one is
// shown at the end.

// StepPractice opens the practice: the customer message is posted and
// private replies are taken until the results step.
const StepPractice StepKind = "practice"

// Practice is a session's practice task.
type Practice struct {
	Message string    `json:"message"`          // what the customer wrote
	Points  []string  `json:"points,omitempty"` // key points a good reply covers
	OpenAt  time.Time `json:"open_at"`
	CloseAt time.Time `json:"close_at"`
}

// Open reports whether replies are taken at now.
func (p *Practice) Open(now time.Time) bool {
	return p != nil && !p.OpenAt.IsZero() && !now.Before(p.OpenAt) && now.Before(p.CloseAt)
}

var (
	quoted = regexp.MustCompile(`[“"「]([^”"」]{4,})[”"」]`)
	bold   = regexp.MustCompile(`\*\*([^*]{2,30})\*\*`)
)

// DerivePractice makes a practice task from a lesson: the customer's words
// quoted in its case (the whole case when nothing is quoted) and the
// knowledge point's bold phrases as key points.
func DerivePractice(les *Lesson) Practice {
	p := Practice{Message: strings.TrimSpace(les.Case)}
	if m := quoted.FindAllStringSubmatch(les.Case, -1); len(m) > 0 {
		var parts []string
		for _, x := range m {
			parts = append(parts, strings.TrimSpace(x[1]))
		}
		p.Message = strings.Join(parts, " ")
	}
	seen := map[string]bool{}
	for _, m := range bold.FindAllStringSubmatch(les.Knowledge, -1) {
		if k := strings.TrimSpace(m[1]); !seen[k] {
			seen[k] = true
			p.Points = append(p.Points, k)
		}
	}
	return p
}

// MakePractice turns a planned lesson's quiz into the practice p: its
// questions are dropped, the practice opens when the quiz would have and
// the results come at the end of the slot.
func (s *Session) MakePractice(p Practice, o Options) {
	o = o.Norm()
	open := s.Start.Add(o.KnowledgeFor + o.CaseFor)
	p.OpenAt, p.CloseAt = open, open.Add(o.QuizFor)
	s.Practice = &p
	s.Questions = nil
	var steps []Step
	for _, st := range s.Steps {
		if st.Kind == StepKnowledge || st.Kind == StepCase {
			steps = append(steps, st)
		}
	}
	s.Steps = append(steps, Step{Kind: StepPractice, At: open}, Step{Kind: StepResults, At: p.CloseAt})
}

// PointsHit lists the key points a reply covers: a point is covered when
// most of its character pairs appear in the reply (so "签收次日" covers
// "签收商品的次日" loosely, and word order may differ).
func PointsHit(reply string, points []string) []string {
	have := pairs(reply)
	var out []string
	for _, p := range points {
		want := pairs(p)
		if len(want) == 0 {
			continue
		}
		n := 0
		for k := range want {
			if have[k] {
				n++
			}
		}
		if float64(n)/float64(len(want)) >= 0.5 {
			out = append(out, p)
		}
	}
	return out
}

func pairs(s string) map[string]bool {
	var rs []rune
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	out := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])] = true
	}
	if len(rs) == 1 {
		out[string(rs)] = true
	}
	return out
}

// collPractice holds practice replies: session/member -> PracticeReply.
const collPractice = "lesson.practice"

// PracticeReply is one agent's reply to a practice task, as scored.
type PracticeReply struct {
	Member      string    `json:"member"`
	Text        string    `json:"text"`
	Score       int       `json:"score"`       // 0 to 100
	Temperature int       `json:"temperature"` // the 话术 reading
	Hit         []string  `json:"hit,omitempty"`
	Flagged     []string  `json:"flagged,omitempty"` // 禁忌 or absolute words used
	Consent     bool      `json:"consent,omitempty"` // may be shown with the name
	At          time.Time `json:"at"`
}

// SavePracticeReply stores a member's reply to a session's practice,
// replacing an earlier one.
func (r *Repo) SavePracticeReply(ctx context.Context, session string, p PracticeReply) error {
	return r.practice.Put(ctx, session+"/"+p.Member, &p)
}

// PracticeReply reads a member's reply, nil when there is none.
func (r *Repo) PracticeReply(ctx context.Context, session, member string) (*PracticeReply, error) {
	return r.practice.Find(ctx, session+"/"+member)
}

// PracticeReplies lists a session's replies, best first (ties: earliest).
func (r *Repo) PracticeReplies(ctx context.Context, session string) ([]PracticeReply, error) {
	var out []PracticeReply
	err := r.practice.Prefix(ctx, session+"/", values(&out))
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].At.Before(out[j].At)
	})
	return out, err
}
