package growth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// Ledger is the store ledger of level changes: append-only, so a person's
// history is kept whole.
const Ledger = "levels"

// Change is one line of the level history.
type Change struct {
	Seq    int64     `json:"-"`
	Member string    `json:"member"`
	Team   string    `json:"team"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// Promotion reports whether the change moves up the path.
func (c *Change) Promotion() bool { return Rank(c.To) > Rank(c.From) }

// History is the level ledger read into memory.
type History struct {
	Changes []*Change
}

// LoadHistory reads the whole level ledger.
func LoadHistory(ctx context.Context, st store.Store) (*History, error) {
	h := &History{}
	err := st.Ledger(ctx, Ledger, 0, func(seq int64, raw []byte) error {
		c := &Change{}
		if err := json.Unmarshal(raw, c); err != nil {
			return fmt.Errorf("levels ledger entry %d: %w", seq, err)
		}
		c.Seq = seq
		h.Changes = append(h.Changes, c)
		return nil
	})
	return h, err
}

// Of lists a member's changes, oldest first.
func (h *History) Of(member string) []*Change {
	var out []*Change
	for _, c := range h.Changes {
		if c.Member == member {
			out = append(out, c)
		}
	}
	return out
}

// Current is a member's level: the last change's, else configured.
func (h *History) Current(member, configured string) string {
	cs := h.Of(member)
	if len(cs) == 0 {
		return configured
	}
	return cs[len(cs)-1].To
}

// At is the level member held just before t (a period's end), given
// current, their level now: the From of their first change at or after t,
// else current. Past periods are judged at the level held then, not at one
// reached later.
func (h *History) At(member, current string, t time.Time) string {
	if h == nil {
		return current
	}
	for _, c := range h.Of(member) {
		if !c.At.Before(t) {
			return c.From
		}
	}
	return current
}

// Since is when the member reached their current level: the last change,
// zero when they never changed.
func (h *History) Since(member string) time.Time {
	cs := h.Of(member)
	if len(cs) == 0 {
		return time.Time{}
	}
	return cs[len(cs)-1].At
}

// Errors of Set.
var (
	ErrSameLevel = errors.New("growth: already at that level")
	ErrLevel     = errors.New("growth: unknown level")
)

// Set records that member moves from the current level (configured when
// the history has none) to level. The idempotency key counts the member's
// changes, so two managers setting a level at once record it once; the
// loser gets ErrSameLevel or a second, later change. It returns the change.
func Set(ctx context.Context, st store.Store, c Change, configured string) (*Change, error) {
	if Rank(c.To) < 0 {
		return nil, ErrLevel
	}
	h, err := LoadHistory(ctx, st)
	if err != nil {
		return nil, err
	}
	c.From = h.Current(c.Member, configured)
	if c.From == c.To {
		return nil, ErrSameLevel
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	seq, created, err := st.Append(ctx, Ledger, fmt.Sprintf("level/%s/%d", c.Member, len(h.Of(c.Member))+1), raw)
	if err != nil {
		return nil, err
	}
	if !created {
		return nil, ErrSameLevel
	}
	c.Seq = seq
	return &c, nil
}
