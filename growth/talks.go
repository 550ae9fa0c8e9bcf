package growth

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// TalksLedger is the store ledger of one-to-one records (面谈). They are
// private to supervisors and managers: handlers show them to no one else.
const TalksLedger = "talks"

// Talk is one one-to-one: who talked with whom, when, and what was said
// and agreed.
type Talk struct {
	Seq    int64     `json:"-"`
	Team   string    `json:"team"`
	Member string    `json:"member"`
	By     string    `json:"by"`
	Note   string    `json:"note"`
	At     time.Time `json:"at"`
}

// AddTalk records a talk once per idem (the chat message id, say).
func AddTalk(ctx context.Context, st store.Store, t Talk, idem string) (*Talk, bool, error) {
	raw, err := json.Marshal(t)
	if err != nil {
		return nil, false, err
	}
	seq, created, err := st.Append(ctx, TalksLedger, idem, raw)
	if err != nil {
		return nil, false, err
	}
	t.Seq = seq
	return &t, created, nil
}

// Talks lists a team's talks in [from, to), oldest first; a zero to means
// no end.
func Talks(ctx context.Context, st store.Store, team string, from, to time.Time) ([]*Talk, error) {
	var out []*Talk
	err := st.Ledger(ctx, TalksLedger, 0, func(seq int64, raw []byte) error {
		t := &Talk{}
		if err := json.Unmarshal(raw, t); err != nil {
			return fmt.Errorf("talks ledger entry %d: %w", seq, err)
		}
		t.Seq = seq
		if t.Team == team && !t.At.Before(from) && (to.IsZero() || t.At.Before(to)) {
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// MonthMark is one month of a person's KPI trend.
type MonthMark struct {
	Month string // "2026-10"
	Data  bool   // any KPI data
	Met   bool   // met every target
}

// Due is a member due for a one-to-one this month.
type Due struct {
	Member string
	Below  bool        // missed target last month: talk first
	Trend  []MonthMark // newest first
	Last   *Talk       // the last talk, nil when never
}

// DueTalks lists the members without a talk since monthStart: those below
// target last month first, then the longest without a talk, then by roster
// order. talks are the team's talks (any period); trend gives each
// member's months, newest first.
func DueTalks(members []string, talks []*Talk, monthStart time.Time, trend func(member string) []MonthMark) []Due {
	last := map[string]*Talk{}
	for _, t := range talks {
		if p := last[t.Member]; p == nil || !t.At.Before(p.At) {
			last[t.Member] = t
		}
	}
	var out []Due
	order := map[string]int{}
	for i, m := range members {
		order[m] = i
		if t := last[m]; t != nil && !t.At.Before(monthStart) {
			continue
		}
		d := Due{Member: m, Last: last[m], Trend: trend(m)}
		if len(d.Trend) > 0 && d.Trend[0].Data && !d.Trend[0].Met {
			d.Below = true
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Below != b.Below {
			return a.Below
		}
		switch {
		case a.Last == nil && b.Last != nil:
			return true
		case a.Last != nil && b.Last == nil:
			return false
		case a.Last != nil && b.Last != nil && !a.Last.At.Equal(b.Last.At):
			return a.Last.At.Before(b.Last.At)
		}
		return order[a.Member] < order[b.Member]
	})
	return out
}
