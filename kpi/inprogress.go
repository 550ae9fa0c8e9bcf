package kpi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/tmpdir"
)

// An import writes its records in several batches (one transaction each on
// the embedded store, pipelined on Redis), so a process killed half-way
// leaves some agent-days of the file replaced and others not. Rather than
// make the write atomic (a 400,000-row file in one bbolt transaction, or a
// staging copy of every key on Redis), the import leaves a marker per
// month it touches before its first write and removes it after its last:
// a marker whose import is gone means the month is partial, and /kpi, the
// daily summary and the workbook say so until a complete import of that
// month succeeds.

// ImportsCollection holds the markers of imports writing or cut off, under
// "team/YYYY-MM/id".
const ImportsCollection = "kpi_imports"

// ImportLease is how long a marker stays "in progress" without a heartbeat;
// a writing import renews it every ImportLease/6. A marker whose process
// is known to be gone (same host, pid not running) is stale at once.
var ImportLease = 2 * time.Minute

// ImportMarker records one month of an import that is writing, or that
// stopped before its last write.
type ImportMarker struct {
	Team      string    `json:"team"`
	Month     string    `json:"month"`          // YYYY-MM
	From      string    `json:"from"`           // first date of the import in the month
	To        string    `json:"to"`             // last date of the import in the month
	File      string    `json:"file,omitempty"` // file name as shown to users
	Source    string    `json:"source,omitempty"`
	By        string    `json:"by,omitempty"` // who started it (CLI user, API caller)
	Started   time.Time `json:"started"`
	Heartbeat time.Time `json:"heartbeat"`
	Host      string    `json:"host"`
	PID       int       `json:"pid"`
	Proc      string    `json:"proc,omitempty"` // random per process: tells a restarted container's pid 1 from its predecessor
	// Failed is set when the import stopped with an error (store failure,
	// cancelled request) after its first write.
	Failed string `json:"failed,omitempty"`

	key string
}

// Partial reports whether the marker's import is over without having
// finished: it failed, its heartbeat is older than ImportLease, or it ran on
// this host in a process that no longer exists.
func (m *ImportMarker) Partial(now time.Time) bool {
	switch {
	case m.Failed != "":
		return true
	case now.Sub(m.Heartbeat) > ImportLease:
		return true
	case m.Host != hostname():
		return false
	case m.PID == os.Getpid():
		return m.Proc != procID()
	case !tmpdir.Alive(m.PID):
		return true
	}
	return false
}

var hostOnce = sync.OnceValue(func() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
})

func hostname() string { return hostOnce() }

// procID tells this process from an earlier one with the same pid.
var procID = sync.OnceValue(func() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
})

// importTracker is implemented by sinks that record imports in progress
// (Repo does).
type importTracker interface {
	beginImport(ctx context.Context, m ImportMarker, months map[string][2]string) (*importGuard, error)
}

var _ importTracker = (*Repo)(nil)

// importGuard holds one import's markers from its first write to its last.
type importGuard struct {
	st      store.Store
	markers []ImportMarker
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex // serialises marker writes
}

func markerKey(team, month string, id int64, host string, pid int) string {
	return fmt.Sprintf("%s/%s/%020d.%s.%d", escKey(team), month, id, escKey(host), pid)
}

// beginImport writes a marker per month (month -> first and last date of
// the import in it) and starts renewing them.
func (rp *Repo) beginImport(ctx context.Context, m ImportMarker, months map[string][2]string) (*importGuard, error) {
	g := &importGuard{st: rp.st, stop: make(chan struct{}), done: make(chan struct{})}
	now := time.Now()
	m.Started, m.Heartbeat, m.Host, m.PID, m.Proc = now, now, hostname(), os.Getpid(), procID()
	id := now.UnixNano()
	keys := make([]string, 0, len(months))
	for month := range months {
		keys = append(keys, month)
	}
	sort.Strings(keys)
	for _, month := range keys {
		mm := m
		mm.Month, mm.From, mm.To = month, months[month][0], months[month][1]
		mm.key = markerKey(m.Team, month, id, mm.Host, mm.PID)
		g.markers = append(g.markers, mm)
	}
	if err := g.write(ctx); err != nil {
		return nil, fmt.Errorf("记录导入状态失败：%w", err)
	}
	go g.renew()
	return g, nil
}

func (g *importGuard) write(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	items := make([]store.KV, len(g.markers))
	for i := range g.markers {
		b, err := json.Marshal(&g.markers[i])
		if err != nil {
			return err
		}
		items[i] = store.KV{Key: g.markers[i].key, Value: b}
	}
	return g.st.PutBatch(ctx, ImportsCollection, items)
}

// renew keeps the heartbeat fresh until the import ends.
func (g *importGuard) renew() {
	defer close(g.done)
	t := time.NewTicker(ImportLease / 6)
	defer t.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
			now := time.Now()
			g.mu.Lock()
			for i := range g.markers {
				g.markers[i].Heartbeat = now
			}
			g.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), ImportLease/6)
			_ = g.write(ctx) // a missed renewal only makes the marker stale sooner
			cancel()
		}
	}
}

// halt stops the renewals and waits for them, so none outlives the import.
func (g *importGuard) halt() {
	close(g.stop)
	<-g.done
}

// finish ends the import. On success its markers go, and so do the stale
// markers of earlier imports its dates cover; on failure its markers stay,
// marked failed, so the months read as partial. It uses its own short
// context: a cancelled request must still leave the truth behind.
func (g *importGuard) finish(err error, sum *Summary) error {
	g.halt()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err != nil {
		msg := err.Error()
		for i := range g.markers {
			g.markers[i].Failed = msg
		}
		return g.write(ctx)
	}
	now := time.Now()
	var errs []error
	for _, m := range g.markers {
		errs = append(errs, g.st.Delete(ctx, ImportsCollection, m.key))
		// Earlier imports of this month that were cut off and whose dates
		// this import covers are repaired now.
		errs = append(errs, scanMarkers(ctx, g.st, m.Team, m.Month, func(o *ImportMarker) error {
			if o.key == m.key || !o.Partial(now) || o.From < m.From || o.To > m.To {
				return nil
			}
			return g.st.Delete(ctx, ImportsCollection, o.key)
		}))
	}
	return errors.Join(errs...)
}

// scanMarkers calls fn for the markers of team in month ("" for all months).
func scanMarkers(ctx context.Context, st store.Store, team, month string, fn func(*ImportMarker) error) error {
	lo := escKey(team) + "/"
	if month != "" {
		lo += month + "/"
	}
	return st.Scan(ctx, ImportsCollection, lo, store.PrefixEnd(lo), func(key string, value []byte) error {
		var m ImportMarker
		if err := json.Unmarshal(value, &m); err != nil {
			return nil // unreadable: ignore rather than block every read
		}
		m.key = key
		return fn(&m)
	})
}

// MonthState says how a month of KPI data stands.
type MonthState struct {
	Month     string // YYYY-MM
	Importing bool   // an import is writing it now
	Partial   bool   // an import was cut off; re-import needed
	File      string // the file of the (newest) import concerned
}

// Incomplete lists the months of [from, to] (YYYY-MM-DD, inclusive) whose
// data an import is writing now or left partial, in month order. Partial
// wins over importing for one month.
func (rp *Repo) Incomplete(ctx context.Context, team, from, to string) ([]MonthState, error) {
	if len(from) < 7 || len(to) < 7 {
		return nil, fmt.Errorf("kpi: bad range %q..%q", from, to)
	}
	fromM, toM := from[:7], to[:7]
	now := time.Now()
	byMonth := map[string]*MonthState{}
	var order []string
	err := scanMarkers(ctx, rp.st, team, "", func(m *ImportMarker) error {
		if m.Month < fromM || m.Month > toM {
			return nil
		}
		s := byMonth[m.Month]
		if s == nil {
			s = &MonthState{Month: m.Month}
			byMonth[m.Month] = s
			order = append(order, m.Month)
		}
		if m.Partial(now) {
			s.Partial, s.File = true, m.File
		} else {
			s.Importing = true
			if !s.Partial {
				s.File = m.File
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(order)
	out := make([]MonthState, 0, len(order))
	for _, mo := range order {
		s := *byMonth[mo]
		if s.Partial {
			s.Importing = false
		}
		out = append(out, s)
	}
	return out, nil
}

// IncompleteNotice is the warning shown with figures of months an import
// left partial or is writing, e.g. "⚠️ 9月数据导入未完成，请重新导入（中断的文件：
// 飞鸽9月.csv）"; "" when every month is complete. Months of another year
// than the others carry their year.
func IncompleteNotice(states []MonthState) string {
	var partial, importing []MonthState
	for _, s := range states {
		switch {
		case s.Partial:
			partial = append(partial, s)
		case s.Importing:
			importing = append(importing, s)
		}
	}
	var lines []string
	if len(partial) > 0 {
		var files []string
		for _, s := range partial {
			if s.File != "" && !contains(files, s.File) {
				files = append(files, s.File)
			}
		}
		line := "⚠️ " + monthNames(partial, states) + "数据导入未完成，请重新导入"
		if len(files) > 0 {
			line += "（中断的文件：" + strings.Join(files, "、") + "）"
		}
		lines = append(lines, line)
	}
	if len(importing) > 0 {
		lines = append(lines, "⏳ "+monthNames(importing, states)+"数据正在导入，以下数字可能还不完整，请稍后再看")
	}
	return strings.Join(lines, "\n")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// monthNames names months as "9月、10月", with the year when all states do
// not share one ("2025年12月、2026年1月").
func monthNames(ms, all []MonthState) string {
	years := map[string]bool{}
	for _, s := range all {
		years[s.Month[:4]] = true
	}
	names := make([]string, len(ms))
	for i, s := range ms {
		var y, m int
		if _, err := fmt.Sscanf(s.Month, "%d-%d", &y, &m); err != nil {
			names[i] = s.Month
			continue
		}
		if len(years) > 1 {
			names[i] = fmt.Sprintf("%d年%d月", y, m)
		} else {
			names[i] = fmt.Sprintf("%d月", m)
		}
	}
	return strings.Join(names, "、")
}
