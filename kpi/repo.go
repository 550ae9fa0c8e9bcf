package kpi

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/banzu-bot/banzu/store"
)

// Collection is the store collection holding daily records.
const Collection = "kpi_days"

// Repo keeps records in a store.Store, one document per (team, date, agent,
// source) under the key "team/date/agent/source", so a team's days scan in
// date order. It implements Sink; reads merge the sources of each agent-day
// (see Merge).
type Repo struct {
	st store.Store
}

// NewRepo returns a Repo over st.
func NewRepo(st store.Store) *Repo { return &Repo{st: st} }

var _ Sink = (*Repo)(nil)

// keyEscaper keeps "/" out of key parts.
var keyEscaper = strings.NewReplacer("%", "%25", "/", "%2F")
var keyUnescaper = strings.NewReplacer("%2F", "/", "%25", "%")

func escKey(s string) string {
	if strings.ContainsAny(s, "%/") {
		return keyEscaper.Replace(s)
	}
	return s
}

func unescKey(s string) string {
	if strings.IndexByte(s, '%') >= 0 {
		return keyUnescaper.Replace(s)
	}
	return s
}

// appendRecordKey appends the document key of r to b.
func appendRecordKey(b []byte, r *Record) []byte {
	b = append(b, escKey(r.Team)...)
	b = append(b, '/')
	b = append(b, r.Date...)
	b = append(b, '/')
	b = append(b, escKey(r.Agent)...)
	b = append(b, '/')
	return append(b, escKey(r.Source)...)
}

// PutBatch stores records, replacing earlier figures of the same team, date,
// agent and source.
func (rp *Repo) PutBatch(ctx context.Context, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	items := make([]store.KV, len(recs))
	// All values share one buffer and all keys one string, so a batch costs
	// a handful of allocations rather than two per record.
	vals := make([]byte, 0, len(recs)*160)
	keys := make([]byte, 0, len(recs)*48)
	keyAt := make([]int, len(recs)+1)
	for i := range recs {
		r := &recs[i]
		if r.Team == "" || r.Agent == "" || r.Source == "" {
			return fmt.Errorf("kpi: record without team, agent or source")
		}
		if _, st := parseDate(r.Date); st != cellOK || len(r.Date) != 10 {
			return fmt.Errorf("kpi: record date %q is not YYYY-MM-DD", r.Date)
		}
		start := len(vals)
		vals = appendValue(vals, r)
		items[i].Value = vals[start:len(vals):len(vals)]
		keys = appendRecordKey(keys, r)
		keyAt[i+1] = len(keys)
	}
	all := string(keys)
	for i := range items {
		items[i].Key = all[keyAt[i]:keyAt[i+1]]
	}
	return rp.st.PutBatch(ctx, Collection, items)
}

// dateBounds validates an inclusive date range and returns its scan keys.
func dateBounds(team, from, to string) (string, string, error) {
	f, s1 := parseDate(from)
	t, s2 := parseDate(to)
	if s1 != cellOK || s2 != cellOK {
		return "", "", fmt.Errorf("日期范围“%s 至 %s”无法识别", from, to)
	}
	if f > t {
		return "", "", fmt.Errorf("开始日期 %s 晚于结束日期 %s", f, t)
	}
	p := escKey(team) + "/"
	return p + f.String() + "/", store.PrefixEnd(p + t.String() + "/"), nil
}

// Records calls fn for every agent-day of team in [from, to] (inclusive
// YYYY-MM-DD dates), in date and agent order, with the sources merged.
func (rp *Repo) Records(ctx context.Context, team, from, to string, fn func(r *Record) error) error {
	lo, hi, err := dateBounds(team, from, to)
	if err != nil {
		return err
	}
	prefixLen := len(escKey(team)) + 1
	var group []Record
	var gDate, gAgent string
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		m := Merge(group)
		group = group[:0]
		return fn(&m)
	}
	err = rp.st.Scan(ctx, Collection, lo, hi, func(key string, value []byte) error {
		parts := strings.SplitN(key[prefixLen:], "/", 3)
		if len(parts) != 3 {
			return fmt.Errorf("kpi: bad key %q", key)
		}
		date, agent, source := parts[0], parts[1], parts[2]
		if date != gDate || agent != gAgent {
			if err := flush(); err != nil {
				return err
			}
			gDate, gAgent = date, agent
		}
		rec := Record{Team: team, Date: date, Agent: unescKey(agent), Source: unescKey(source)}
		if err := decodeValue(value, &rec); err != nil {
			return fmt.Errorf("kpi: key %q: %w", key, err)
		}
		group = append(group, rec)
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// Report is a team's aggregate over a period, in all and per agent.
type Report struct {
	Team     string
	From, To string
	Total    Totals             // the whole team
	Agents   map[string]*Totals // member id -> aggregate
}

// AgentIDs returns the member ids with data, sorted.
func (r *Report) AgentIDs() []string {
	ids := make([]string, 0, len(r.Agents))
	for id := range r.Agents {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Range aggregates team over [from, to] (inclusive YYYY-MM-DD dates).
func (rp *Repo) Range(ctx context.Context, team, from, to string) (*Report, error) {
	rep := &Report{Team: team, From: from, To: to, Agents: map[string]*Totals{}}
	err := rp.Records(ctx, team, from, to, func(r *Record) error {
		t := rep.Agents[r.Agent]
		if t == nil {
			t = &Totals{}
			rep.Agents[r.Agent] = t
		}
		t.Add(r)
		rep.Total.Add(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// Day aggregates team on one date.
func (rp *Repo) Day(ctx context.Context, team, date string) (*Report, error) {
	return rp.Range(ctx, team, date, date)
}

// DayTotals is one day of a series.
type DayTotals struct {
	Date string
	Totals
}

// Series returns per-day aggregates of team over [from, to], days without
// data left out. With agent set, only that member's figures count.
func (rp *Repo) Series(ctx context.Context, team, from, to, agent string) ([]DayTotals, error) {
	var out []DayTotals
	err := rp.Records(ctx, team, from, to, func(r *Record) error {
		if agent != "" && r.Agent != agent {
			return nil
		}
		if n := len(out); n == 0 || out[n-1].Date != r.Date {
			out = append(out, DayTotals{Date: r.Date})
		}
		out[len(out)-1].Add(r)
		return nil
	})
	return out, err
}
