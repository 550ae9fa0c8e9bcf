package points

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// TotalsColl keeps running totals of the ledger beside it: one document per
// location and month ("Asia/Shanghai/2026-10") holding the month's sums per
// day, team, member, source and reason, and the sequence number of the last
// ledger entry folded in. A read folds only the entries after that number and
// writes the document back with an atomic update, so a leaderboard does not
// read the whole ledger. The ledger stays the truth: a lost or deleted
// document is rebuilt from it.
const TotalsColl = "points.totals"

// Row is the sum of one day's entries of a member, team, source and reason.
type Row struct {
	Day    string // YYYY-MM-DD in the location asked for
	Team   string
	Member string
	Source string
	Reason string
	Points int64
	Count  int // entries summed
}

// monthTotals is one month's document.
type monthTotals struct {
	Seq  int64                `json:"seq"`  // ledger entries through Seq are folded in
	Rows map[string]*[2]int64 `json:"rows"` // rowKey -> points, count
}

const sep = "\t"

func rowKey(day string, e *Entry) string {
	return strings.Join([]string{day, e.Team, e.Member, e.Source, e.Reason}, sep)
}

func (m *monthTotals) add(key string, pts int64) {
	if m.Rows == nil {
		m.Rows = map[string]*[2]int64{}
	}
	r := m.Rows[key]
	if r == nil {
		r = &[2]int64{}
		m.Rows[key] = r
	}
	r[0] += pts
	r[1]++
}

// Sums calls fn for every row of the days in [from, to), which must be
// midnights in from's location (the days of a period.Range); otherwise, or
// with a store that cannot keep totals, it sums the whole ledger instead.
// Entries without a time are not counted.
func Sums(ctx context.Context, st Reader, from, to time.Time, fn func(r *Row)) error {
	loc := from.Location()
	ts, ok := st.(store.Store)
	if !ok || !midnight(from) || !midnight(to.In(loc)) {
		return scanSums(ctx, st, from, to, fn)
	}
	first, last := from.Format(time.DateOnly), to.In(loc).Format(time.DateOnly)
	var months []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc); m.Before(to); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	docs, err := fresh(ctx, ts, loc, months)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		for k, v := range doc.Rows {
			f := strings.SplitN(k, sep, 5)
			if len(f) != 5 || f[0] < first || f[0] >= last {
				continue
			}
			fn(&Row{Day: f[0], Team: f[1], Member: f[2], Source: f[3], Reason: f[4], Points: v[0], Count: int(v[1])})
		}
	}
	return nil
}

func midnight(t time.Time) bool {
	h, m, s := t.Clock()
	return h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0
}

// scanSums sums the whole ledger into rows (the way without totals).
func scanSums(ctx context.Context, st Reader, from, to time.Time, fn func(r *Row)) error {
	loc := from.Location()
	var m monthTotals
	err := Scan(ctx, st, func(e *Entry) error {
		if at, ok := e.When(loc); ok && !at.Before(from) && at.Before(to) {
			m.add(rowKey(at.In(loc).Format(time.DateOnly), e), int64(e.Points))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, v := range m.Rows {
		f := strings.SplitN(k, sep, 5)
		fn(&Row{Day: f[0], Team: f[1], Member: f[2], Source: f[3], Reason: f[4], Points: v[0], Count: int(v[1])})
	}
	return nil
}

// errReset: the stored totals went back (deleted meanwhile); fold again.
var errReset = errors.New("points: totals went back")

// fresh returns the months' totals with every ledger entry folded in,
// writing back those the ledger had grown for.
func fresh(ctx context.Context, st store.Store, loc *time.Location, months []string) ([]*monthTotals, error) {
	for {
		docs, err := freshOnce(ctx, st, loc, months)
		if !errors.Is(err, errReset) {
			return docs, err
		}
	}
}

// item is a ledger entry to fold into a month.
type item struct {
	seq int64
	key string
	pts int64
}

func freshOnce(ctx context.Context, st store.Store, loc *time.Location, months []string) ([]*monthTotals, error) {
	coll := store.NewColl[monthTotals](st, TotalsColl)
	docs := make([]*monthTotals, len(months))
	news := make(map[string][]item, len(months))
	var base int64 = -1
	for i, month := range months {
		cur, err := coll.Find(ctx, loc.String()+"/"+month)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			cur = &monthTotals{}
		}
		docs[i], news[month] = cur, nil
		if base < 0 || cur.Seq < base {
			base = cur.Seq
		}
	}
	// One read of what was appended since the stalest month's totals,
	// keeping the entries of the months asked for.
	last := base
	err := st.Ledger(ctx, Ledger, base, func(seq int64, raw []byte) error {
		last = seq
		var e Entry
		if json.Unmarshal(raw, &e) != nil {
			return nil
		}
		at, ok := e.When(loc)
		if !ok {
			return nil
		}
		at = at.In(loc)
		month := at.Format("2006-01")
		if list, ok := news[month]; ok {
			news[month] = append(list, item{seq, rowKey(at.Format(time.DateOnly), &e), int64(e.Points)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, month := range months {
		if docs[i].Seq >= last {
			continue
		}
		// Another reader may have folded some or all of them meanwhile:
		// add only what the stored document does not have yet.
		doc, err := coll.Upsert(ctx, loc.String()+"/"+month, func(m *monthTotals) error {
			if m.Seq >= last {
				return nil
			}
			if m.Seq < base {
				return errReset
			}
			for _, it := range news[month] {
				if it.seq > m.Seq {
					m.add(it.key, it.pts)
				}
			}
			m.Seq = last
			return nil
		})
		if err != nil {
			return nil, err
		}
		docs[i] = doc
	}
	return docs, nil
}
