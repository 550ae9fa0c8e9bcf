// Package points owns the shared points ledger: one append-only store ledger
// ("points") that the recognition, lesson and knowledge features write and
// the leaderboards and workbooks read. Entries are appended once per
// idempotency key.
package points

import (
	"context"
	"encoding/json"
	"time"
)

// Ledger is the store ledger every feature records points in.
const Ledger = "points"

// Entry is one line of the points ledger. At (or, from older writers, Date)
// places it in time.
type Entry struct {
	Member string    `json:"member"`
	Team   string    `json:"team"`
	Points int       `json:"points"`
	Reason string    `json:"reason"`
	Source string    `json:"source"` // "award", "quiz", "contest", "practice", "knowledge"
	Ref    string    `json:"ref"`    // what earned it: "recognition:12", a session id, "knowledge:team:id"
	At     time.Time `json:"at"`
	Date   string    `json:"date,omitempty"` // YYYY-MM-DD; some writers gave a day instead of At
}

// UnmarshalJSON reads an entry leniently: an "at" that is empty or not a
// time leaves At zero (the entry is then placed by Date, if any) instead of
// failing the whole entry.
func (e *Entry) UnmarshalJSON(b []byte) error {
	type plain Entry
	var raw struct {
		plain
		At any `json:"at"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = Entry(raw.plain)
	e.At = time.Time{}
	if s, ok := raw.At.(string); ok && s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			e.At = t
		}
	}
	return nil
}

// When places the entry in time (a Date in loc); false when it has none.
func (e *Entry) When(loc *time.Location) (time.Time, bool) {
	if !e.At.IsZero() {
		return e.At, true
	}
	if e.Date != "" {
		if d, err := time.ParseInLocation(time.DateOnly, e.Date, loc); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// Appender is the store call Append makes.
type Appender interface {
	Append(ctx context.Context, ledger, idemKey string, entry []byte) (int64, bool, error)
}

// Append records e once per idempotency key idem (every time when idem is
// empty).
func Append(ctx context.Context, st Appender, idem string, e Entry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, _, err = st.Append(ctx, Ledger, idem, v)
	return err
}

// Reader is the store call Scan makes.
type Reader interface {
	Ledger(ctx context.Context, ledger string, after int64, fn func(seq int64, entry []byte) error) error
}

// Scan calls fn for every entry of the ledger, oldest first. Entries that do
// not decode (another writer's malformed line) are skipped.
func Scan(ctx context.Context, st Reader, fn func(e *Entry) error) error {
	return st.Ledger(ctx, Ledger, 0, func(_ int64, raw []byte) error {
		var e Entry
		if json.Unmarshal(raw, &e) != nil {
			return nil
		}
		return fn(&e)
	})
}
