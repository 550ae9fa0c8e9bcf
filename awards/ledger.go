// Package awards is banzu's recognition: the monthly titles decided from the
// month's KPI figures, the 服务之星 badge ladder (bronze for meeting KPI
// several months in a row, silver for mentoring agents who earn a badge, gold
// given by a manager), hand-given awards (委屈奖, 伯乐奖), points and
// leaderboards.
//
// Everything given is an entry of an append-only ledger ("recognition") with
// who, what, why (the figures behind it), when and an idempotency key, so a
// period's awards are granted once even when the monthly job runs twice or
// on two replicas. Revoking appends an entry that names the revoked one and
// why; nothing is erased. Points go to the shared "points" ledger (source
// "award") that the lesson and knowledge features also write.
//
// The package knows nothing about chat platforms: handlers turn its results
// into messages.
package awards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/points"
	"github.com/banzu-bot/banzu/store"
)

// Ledger is the store ledger of recognition entries.
const Ledger = "recognition"

// sentColl marks messages sent once (the ceremony post, reminders).
const sentColl = "awards.sent"

// Entry kinds.
const (
	KindTitle  = "title"  // a title: monthly from the ceremony, quarterly from the skills contest
	KindBadge  = "badge"  // a 服务之星 badge: bronze, silver, gold
	KindAward  = "award"  // a hand-given special award: 委屈奖, 伯乐奖
	KindMentor = "mentor" // Member mentors Subject (for silver)
	KindRevoke = "revoke" // Ref is revoked, for Reason
	KindThanks = "thanks" // By thanks Member (peer thanks, /thanks)
)

// Badge and special award names, as stored and shown.
const (
	Bronze    = "青铜"
	Silver    = "白银"
	Gold      = "黄金"
	Grievance = "委屈奖"
	Referral  = "伯乐奖"
)

// Entry is one line of the recognition ledger.
type Entry struct {
	Seq     int64     `json:"-"`
	Kind    string    `json:"kind"`
	Award   string    `json:"award,omitempty"` // title, badge or award name
	Member  string    `json:"member"`          // who receives it (the mentor for KindMentor)
	Team    string    `json:"team"`
	Period  string    `json:"period,omitempty"`  // "2026-10": the month a title or ceremony badge is for; "2026-Q4": a contest's quarter
	Reason  string    `json:"reason,omitempty"`  // why, in words (a revoke's reason too)
	Figures string    `json:"figures,omitempty"` // the figures behind it, in words
	Value   float64   `json:"value,omitempty"`   // the deciding figure
	Volume  float64   `json:"volume,omitempty"`  // the volume behind it
	Points  int       `json:"points,omitempty"`
	By      string    `json:"by,omitempty"`      // who gave it; empty for the ceremony
	Subject string    `json:"subject,omitempty"` // 伯乐奖: the hire; mentor: the mentee
	Due     string    `json:"due,omitempty"`     // 伯乐奖: YYYY-MM-DD of the reminder
	Ref     int64     `json:"ref,omitempty"`     // revoke: the entry revoked
	Metric  string    `json:"metric,omitempty"`  // a monthly title's metric (composite, conversion …)
	Order   string    `json:"order,omitempty"`   // thanks: the order number of a 委屈奖 nomination
	Event   string    `json:"event,omitempty"`   // thanks, 委屈奖: the chat message that gave it
	At      time.Time `json:"at"`
}

// Label is the entry's name as people say it: "青铜勋章", "服务之星", "伯乐奖".
func (e *Entry) Label() string {
	switch e.Kind {
	case KindBadge:
		return e.Award + "勋章"
	case KindMentor:
		return "师徒"
	case KindThanks:
		return "同事感谢"
	}
	return e.Award
}

// Dated is when the entry counts: a title or ceremony badge for a month
// counts on that month's last day (at noon, so it stays in the month in any
// time zone near the one it was granted in), wherever it was granted; the
// rest when given. Its points are dated the same, so /leaderboard 上月 and
// the month's workbook show the month's awards.
func (e *Entry) Dated() time.Time {
	if e.Period != "" && !strings.Contains(e.Period, "Q") {
		if m, err := time.ParseInLocation("2006-01", e.Period, e.At.Location()); err == nil {
			last := m.AddDate(0, 1, -1)
			return time.Date(last.Year(), last.Month(), last.Day(), 12, 0, 0, 0, last.Location())
		}
	}
	return e.At
}

// State is the ledger read into memory: every entry and what was revoked.
type State struct {
	Entries []*Entry
	bySeq   map[int64]*Entry
	revoked map[int64]*Entry // revoked seq -> the revoke entry
}

// Load reads the whole recognition ledger.
func Load(ctx context.Context, st store.Store) (*State, error) {
	s := &State{bySeq: map[int64]*Entry{}, revoked: map[int64]*Entry{}}
	err := st.Ledger(ctx, Ledger, 0, func(seq int64, raw []byte) error {
		e := &Entry{}
		if err := json.Unmarshal(raw, e); err != nil {
			return fmt.Errorf("recognition ledger entry %d: %w", seq, err)
		}
		e.Seq = seq
		s.add(e)
		return nil
	})
	return s, err
}

func (s *State) add(e *Entry) {
	s.Entries = append(s.Entries, e)
	s.bySeq[e.Seq] = e
	if e.Kind == KindRevoke {
		if _, done := s.revoked[e.Ref]; !done {
			s.revoked[e.Ref] = e
		}
	}
}

// Get returns entry seq, nil when there is none.
func (s *State) Get(seq int64) *Entry { return s.bySeq[seq] }

// Revocation returns the entry revoking seq, nil when it stands.
func (s *State) Revocation(seq int64) *Entry { return s.revoked[seq] }

// Active reports whether e is a grant that has not been revoked.
func (s *State) Active(e *Entry) bool { return e.Kind != KindRevoke && s.revoked[e.Seq] == nil }

// Badge returns member's active badge of that name, nil when not held.
func (s *State) Badge(member, name string) *Entry {
	for _, e := range s.Entries {
		if e.Kind == KindBadge && e.Member == member && e.Award == name && s.Active(e) {
			return e
		}
	}
	return nil
}

// HoldsStar reports whether member holds any 服务之星 badge.
func (s *State) HoldsStar(member string) bool {
	return s.Badge(member, Bronze) != nil || s.Badge(member, Silver) != nil || s.Badge(member, Gold) != nil
}

// Title returns the active entries of a title for a team and month.
func (s *State) Title(team, month, name string) []*Entry {
	var out []*Entry
	for _, e := range s.Entries {
		if e.Kind == KindTitle && e.Team == team && e.Period == month && e.Award == name && s.Active(e) {
			out = append(out, e)
		}
	}
	return out
}

// Mentees lists the members mentor mentors: recorded with /mentor (and not
// revoked) plus those whose roster entry names the mentor, sorted, once each.
func (s *State) Mentees(mentor string, roster []Member) []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && id != mentor && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, m := range roster {
		if m.Mentor == mentor {
			add(m.ID)
		}
	}
	for _, e := range s.Entries {
		if e.Kind == KindMentor && e.Member == mentor && s.Active(e) {
			add(e.Subject)
		}
	}
	sortStrings(out)
	return out
}

// Of lists member's active grants (titles, badges, awards), oldest first.
func (s *State) Of(member string) []*Entry {
	var out []*Entry
	for _, e := range s.Entries {
		if e.Member == member && (e.Kind == KindTitle || e.Kind == KindBadge || e.Kind == KindAward) && s.Active(e) {
			out = append(out, e)
		}
	}
	return out
}

// Member is a person as recognition needs them.
type Member struct {
	ID       string
	Level    string // "senior" picks the senior KPI targets
	Mentor   string // member id of the mentor from the roster
	HireDate string // YYYY-MM-DD
}

// appendEntry writes e once per idemKey, then its points once. It returns
// the entry with its sequence number and whether it was new. The points are
// (re)tried on every call so a crash between the two appends heals.
func appendEntry(ctx context.Context, st store.Store, idemKey string, e *Entry) (*Entry, bool, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return nil, false, err
	}
	seq, created, err := st.Append(ctx, Ledger, idemKey, raw)
	if err != nil {
		return nil, false, err
	}
	if !created {
		// Someone granted it first: return what is stored.
		var stored *Entry
		err := st.Ledger(ctx, Ledger, seq-1, func(s int64, raw []byte) error {
			if s == seq {
				stored = &Entry{}
				if err := json.Unmarshal(raw, stored); err != nil {
					return err
				}
				stored.Seq = s
				return errStop
			}
			return errStop
		})
		if err != nil && !errors.Is(err, errStop) {
			return nil, false, err
		}
		if stored == nil {
			return nil, false, fmt.Errorf("recognition ledger: entry %d not found", seq)
		}
		e = stored
	} else {
		c := *e
		e = &c
		e.Seq = seq
	}
	if e.Points != 0 {
		if err := addPoints(ctx, st, e, e.Points, e.Label()+pointsNote(e), fmt.Sprintf("recognition/%d", e.Seq)); err != nil {
			return nil, false, err
		}
	}
	return e, created, nil
}

var errStop = errors.New("stop")

func pointsNote(e *Entry) string {
	if e.Period != "" {
		return "（" + MonthLabel(e.Period) + "）"
	}
	return ""
}

func addPoints(ctx context.Context, st store.Store, e *Entry, n int, reason, idem string) error {
	return points.Append(ctx, st, idem, points.Entry{Member: e.Member, Team: e.Team, Points: n, Reason: reason,
		Source: SourceAward, Ref: fmt.Sprintf("recognition:%d", e.Seq), At: e.Dated()})
}

// MonthLabel turns "2026-10" into "2026年10月" (and a quarter key
// "2026-Q4" into "2026年第4季度").
func MonthLabel(month string) string {
	if y, q, ok := strings.Cut(month, "-Q"); ok && len(q) == 1 && q >= "1" && q <= "4" {
		if t, err := time.Parse("2006", y); err == nil {
			return fmt.Sprintf("%d年第%s季度", t.Year(), q)
		}
	}
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}
