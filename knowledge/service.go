package knowledge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	st      store.Store
	entries store.Coll[Entry] // team/id -> Entry
	asked   store.Coll[Ask]   // team/id -> Ask
	set     Settings
	now     func() time.Time
	owner   string // lease owner prefix for this process
	seq     atomic.Int64

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
	return &Service{st: st, entries: store.NewColl[Entry](st, EntriesColl), asked: store.NewColl[Ask](st, asksColl),
		set: set, now: now, owner: "knowledge-" + hex.EncodeToString(b), cache: map[string]cachedIndex{}}
}

// Settings returns the rules the service runs with.
func (s *Service) Settings() Settings { return s.set }

func entryKey(team string, id int64) string { return fmt.Sprintf("%s/%010d", team, id) }

// Get reads one entry of a team.
func (s *Service) Get(ctx context.Context, team string, id int64) (*Entry, error) {
	e, err := s.entries.Get(ctx, entryKey(team, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoEntry(id)
	}
	if err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	return e, nil
}

// put writes an entry and moves its team's version (which tells every
// replica's index cache to rebuild) in the same write.
func (s *Service) put(ctx context.Context, e *Entry) error {
	op, err := s.entries.PutOp(entryKey(e.Team, e.ID), e)
	if err != nil {
		return err
	}
	return s.st.Write(ctx, []store.Op{op, store.IncrOp(versionColl, e.Team, 1)})
}

// Entries lists a team's entries in id order; with states given, only those.
func (s *Service) Entries(ctx context.Context, team string, states ...State) ([]*Entry, error) {
	var out []*Entry
	err := s.entries.Prefix(ctx, team+"/", func(_ string, e *Entry) error {
		if len(states) == 0 || hasState(states, e.State) {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	return out, nil
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

// locked runs fn holding the lease name, which serialises changes to one
// thing across replicas; it waits up to 5 seconds for a lease another
// holds.
func (s *Service) locked(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	// Each acquisition has its own owner: a lease held by the same owner
	// would let two goroutines of this process in at once.
	owner := fmt.Sprintf("%s-%d", s.owner, s.seq.Add(1))
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := store.WithLease(ctx, s.st, name, owner, 15*time.Second, fn)
		if !errors.Is(err, store.ErrLeaseHeld) {
			return err
		}
		if time.Now().After(deadline) {
			return userf(nil, "有人正在处理这条内容，请稍后再试。")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// update runs fn on entry id of team under its lock and stores the result.
func (s *Service) update(ctx context.Context, team string, id int64, fn func(e *Entry, now time.Time) error) (*Entry, error) {
	var e *Entry
	err := s.locked(ctx, fmt.Sprintf("knowledge:%s:%d", team, id), func(ctx context.Context) error {
		var err error
		if e, err = s.Get(ctx, team, id); err != nil {
			return err
		}
		if err := fn(e, s.now()); err != nil {
			return err
		}
		return s.put(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
