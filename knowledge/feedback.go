package knowledge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// The feedback step of the loop (提出 → 审核 → 发布 → 反馈): how often an
// approved entry answers someone (/kb N, /ask) and whether it helped
// (👍/👎 with a reason), so the weekly review can propose the weakest for
// retirement (the practice's pruning of about 20%).

// feedbackColl holds each entry's feedback, keyed like entries.
const feedbackColl = "knowledge.feedback"

// votesColl holds each member's vote on an entry: team/id/member -> "up" or "down".
const votesColl = "knowledge.votes"

// maxReasons is how many recent 👎 reasons an entry keeps.
const maxReasons = 5

// Feedback is what the team did with one entry.
type Feedback struct {
	Uses     int       `json:"uses"`
	Up       int       `json:"up"`
	Down     int       `json:"down"`
	LastUsed time.Time `json:"last_used,omitempty"` // last use or vote
	Reasons  []Reason  `json:"reasons,omitempty"`   // the latest 👎 reasons, newest last
}

// Reason is why someone found an entry not useful.
type Reason struct {
	Member string    `json:"member"`
	Name   string    `json:"name"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// Votes is the number of 👍 and 👎.
func (f *Feedback) Votes() int { return f.Up + f.Down }

// PoorShare is the share of 👎 among the votes (0 without votes).
func (f *Feedback) PoorShare() float64 {
	if f.Votes() == 0 {
		return 0
	}
	return float64(f.Down) / float64(f.Votes())
}

// Feedback reads an entry's feedback (zero when it has none).
func (s *Service) Feedback(ctx context.Context, team string, id int64) (*Feedback, error) {
	f, err := s.feedback().Find(ctx, entryKey(team, id))
	if f == nil && err == nil {
		f = &Feedback{}
	}
	return f, err
}

func (s *Service) feedback() store.Coll[Feedback] { return store.NewColl[Feedback](s.st, feedbackColl) }

// changeFeedback runs fn on an entry's feedback under the entry's feedback
// lock and stores it.
func (s *Service) changeFeedback(ctx context.Context, team string, id int64, fn func(f *Feedback) error) (*Feedback, error) {
	var f *Feedback
	err := s.locked(ctx, fmt.Sprintf("knowledge-feedback:%s:%d", team, id), func(ctx context.Context) error {
		var err error
		if f, err = s.Feedback(ctx, team, id); err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
		return s.feedback().Put(ctx, entryKey(team, id), f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Used counts one use of an approved entry: it answered an /ask or was
// opened with /kb N.
func (s *Service) Used(ctx context.Context, team string, id int64) error {
	now := s.now()
	_, err := s.changeFeedback(ctx, team, id, func(f *Feedback) error {
		f.Uses++
		f.LastUsed = now
		return nil
	})
	return err
}

// Vote records whether an approved entry was useful to by, with a reason
// when it was not. One vote per member and entry: a second vote replaces
// the first. It returns the entry and its feedback after the vote.
func (s *Service) Vote(ctx context.Context, team string, id int64, by Actor, useful bool, reason string) (*Entry, *Feedback, error) {
	e, err := s.Get(ctx, team, id)
	if err != nil {
		return nil, nil, err
	}
	if e.State != Approved {
		return nil, nil, userf(ErrState, "%s 不在知识库中（%s），不能评价。", e.Ref(), e.State.Label())
	}
	if !useful {
		if err := checkText("原因", reason, s.set.MaxReason); err != nil {
			return nil, nil, err
		}
	}
	vote := "down"
	if useful {
		vote = "up"
	}
	now := s.now()
	voteKey := fmt.Sprintf("%s/%s", entryKey(team, id), by.ID)
	f, err := s.changeFeedback(ctx, team, id, func(f *Feedback) error {
		prev, err := s.st.Get(ctx, votesColl, voteKey)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		case string(prev) == "up":
			f.Up--
		case string(prev) == "down":
			f.Down--
		}
		if useful {
			f.Up++
		} else {
			f.Down++
			f.Reasons = append(f.Reasons, Reason{Member: by.ID, Name: by.Name, Text: reason, At: now})
			if len(f.Reasons) > maxReasons {
				f.Reasons = f.Reasons[len(f.Reasons)-maxReasons:]
			}
		}
		f.LastUsed = now
		return s.st.Put(ctx, votesColl, voteKey, []byte(vote))
	})
	return e, f, err
}

// PruneRules decide which entries the weekly review proposes to retire.
type PruneRules struct {
	IdleDays    int     // approved (or verified) this long ago and unused since: proposed
	MinVotes    int     // votes before the 👎 share counts
	PoorShare   float64 // 👎 share at or above this: proposed
	RetireShare float64 // at most this share of the approved entries a week
}

// DefaultPruneRules: unused for 90 days, or half the votes 👎 (of 3 or
// more); at most 20% of the library a week.
func DefaultPruneRules() PruneRules {
	return PruneRules{IdleDays: 90, MinVotes: 3, PoorShare: 0.5, RetireShare: 0.2}
}

// Proposal is an entry proposed for retirement and why.
type Proposal struct {
	Entry    *Entry
	Feedback *Feedback
	Poor     bool   // by feedback, else by disuse
	Why      string // in words
}

// Prune lists the approved entries to propose for retirement at now: the
// poorly rated (most 👎 first), then the unused (longest unused first), at
// most RetireShare of the approved entries (at least one when any
// qualifies).
func (s *Service) Prune(ctx context.Context, team string, now time.Time, r PruneRules) ([]Proposal, error) {
	if r == (PruneRules{}) {
		r = DefaultPruneRules()
	}
	entries, err := s.Entries(ctx, team, Approved)
	if err != nil {
		return nil, err
	}
	idleSince := now.AddDate(0, 0, -r.IdleDays)
	var poor, idle []Proposal
	lastUse := map[int64]time.Time{}
	for _, e := range entries {
		f, err := s.Feedback(ctx, team, e.ID)
		if err != nil {
			return nil, err
		}
		switch {
		case f.Votes() >= max(r.MinVotes, 1) && f.PoorShare() >= r.PoorShare:
			poor = append(poor, Proposal{Entry: e, Feedback: f, Poor: true,
				Why: fmt.Sprintf("👎 %d / %d 票（%.0f%%）", f.Down, f.Votes(), f.PoorShare()*100)})
		default:
			since := e.Approved
			if e.Verified.After(since) {
				since = e.Verified
			}
			if f.LastUsed.After(since) {
				since = f.LastUsed
			}
			if since.Before(idleSince) {
				lastUse[e.ID] = since
				why := fmt.Sprintf("%d 天没人用过", int(now.Sub(since).Hours()/24))
				if f.Uses == 0 {
					why = fmt.Sprintf("发布 %d 天，从没人用过", int(now.Sub(e.Approved).Hours()/24))
				}
				idle = append(idle, Proposal{Entry: e, Feedback: f, Why: why})
			}
		}
	}
	sort.SliceStable(poor, func(i, j int) bool {
		a, b := poor[i].Feedback, poor[j].Feedback
		if a.PoorShare() != b.PoorShare() {
			return a.PoorShare() > b.PoorShare()
		}
		return a.Down > b.Down
	})
	sort.SliceStable(idle, func(i, j int) bool { return lastUse[idle[i].Entry.ID].Before(lastUse[idle[j].Entry.ID]) })
	out := append(poor, idle...)
	limit := int(math.Ceil(r.RetireShare * float64(len(entries))))
	if limit < 1 {
		limit = 1
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
