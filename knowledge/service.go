package knowledge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// Store names.
const (
	EntriesColl = "knowledge.entries"
	versionColl = "knowledge.version"
	idSeq       = "knowledge.id:"
)

// Service is the knowledge base of every team over a store.Store.
type Service struct {
	st    store.Store
	set   Settings
	now   func() time.Time
	owner string // lease owner prefix for this process
	seq   atomic.Int64

	mu    sync.Mutex
	cache map[string]cachedIndex // team -> index of its entries

	draftMu sync.Mutex // settles quiz drafts one at a time in this process
}

type cachedIndex struct {
	version int64
	idx     *Index
}

// New returns the knowledge service. now is the clock (a fake one in tests).
func New(st store.Store, set Settings, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Service{st: st, set: set, now: now, owner: "knowledge-" + hex.EncodeToString(b), cache: map[string]cachedIndex{}}
}

// Settings returns the rules the service runs with.
func (s *Service) Settings() Settings { return s.set }

func entryKey(team string, id int64) string { return fmt.Sprintf("%s/%010d", team, id) }

// Get reads one entry of a team.
func (s *Service) Get(ctx context.Context, team string, id int64) (*Entry, error) {
	v, err := s.st.Get(ctx, EntriesColl, entryKey(team, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoEntry(id)
	}
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(v, &e); err != nil {
		return nil, fmt.Errorf("knowledge: entry %s: %w", entryKey(team, id), err)
	}
	return &e, nil
}

func (s *Service) put(ctx context.Context, e *Entry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, EntriesColl, entryKey(e.Team, e.ID), v); err != nil {
		return err
	}
	_, err = s.st.Incr(ctx, versionColl, e.Team, 1)
	return err
}

// Entries lists a team's entries in id order; with states given, only those.
func (s *Service) Entries(ctx context.Context, team string, states ...State) ([]*Entry, error) {
	var out []*Entry
	err := s.st.Scan(ctx, EntriesColl, team+"/", team+"0", func(k string, v []byte) error {
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("knowledge: entry %s: %w", k, err)
		}
		if len(states) == 0 || hasState(states, e.State) {
			out = append(out, &e)
		}
		return nil
	})
	return out, err
}

func hasState(states []State, s State) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}

// index returns the team's search index, rebuilt when any replica changed an
// entry since it was built.
func (s *Service) index(ctx context.Context, team string) (*Index, error) {
	ver, err := s.st.Incr(ctx, versionColl, team, 0)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	c, ok := s.cache[team]
	s.mu.Unlock()
	if ok && c.version == ver {
		return c.idx, nil
	}
	entries, err := s.Entries(ctx, team, Approved, Pending)
	if err != nil {
		return nil, err
	}
	idx := NewIndex(entries)
	s.mu.Lock()
	s.cache[team] = cachedIndex{version: ver, idx: idx}
	s.mu.Unlock()
	return idx, nil
}

// Search ranks the team's approved entries for query.
func (s *Service) Search(ctx context.Context, team, query string, limit int) ([]Hit, error) {
	if err := checkText("搜索关键词", query, s.set.MaxQuestion); err != nil {
		return nil, err
	}
	idx, err := s.index(ctx, team)
	if err != nil {
		return nil, err
	}
	return idx.Search(query, limit), nil
}

// Similar lists pending or approved entries whose question resembles question.
func (s *Service) Similar(ctx context.Context, team, question string, limit int, exclude int64) ([]Match, error) {
	idx, err := s.index(ctx, team)
	if err != nil {
		return nil, err
	}
	return idx.Similar(question, s.set.HintMin, limit, exclude), nil
}

// lock serialises changes to one entry across replicas.
func (s *Service) lock(ctx context.Context, name string) (func(), error) {
	// Each acquisition has its own owner: a lease held by the same owner
	// would let two goroutines of this process in at once.
	owner := fmt.Sprintf("%s-%d", s.owner, s.seq.Add(1))
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := s.st.Acquire(ctx, name, owner, 15*time.Second)
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { _ = s.st.Release(context.WithoutCancel(ctx), name, owner) }, nil
		}
		if time.Now().After(deadline) {
			return nil, userf(nil, "有人正在处理这条内容，请稍后再试。")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// update runs fn on entry id of team under its lock and stores the result.
func (s *Service) update(ctx context.Context, team string, id int64, fn func(e *Entry, now time.Time) error) (*Entry, error) {
	unlock, err := s.lock(ctx, fmt.Sprintf("knowledge:%s:%d", team, id))
	if err != nil {
		return nil, err
	}
	defer unlock()
	e, err := s.Get(ctx, team, id)
	if err != nil {
		return nil, err
	}
	if err := fn(e, s.now()); err != nil {
		return nil, err
	}
	return e, s.put(ctx, e)
}
