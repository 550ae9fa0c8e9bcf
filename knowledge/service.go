package knowledge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
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

// DuplicateMin is how similar a submitted question must be to one of the
// submitter's own pending or published entries to be refused as a repeat of
// it (unless forced).
const DuplicateMin = 0.9

// Submit stores a submission as pending and returns it with the existing
// entries it resembles. A question the submitter already has pending or
// published (the same, or at least DuplicateMin alike) is refused with
// ErrDuplicate unless sub.Force; one like somebody else's entry goes through
// and the match is returned for the hint.
func (s *Service) Submit(ctx context.Context, team string, by Actor, sub Submission, origin Origin) (*Entry, []Match, error) {
	if err := s.set.check(&sub); err != nil {
		return nil, nil, err
	}
	// One submission of a member at a time, so a message sent twice in a
	// hurry cannot slip past the duplicate and pending checks.
	if by.ID != "" {
		unlock, err := s.lock(ctx, "knowledge:submit:"+team+":"+by.ID)
		if err != nil {
			return nil, nil, err
		}
		defer unlock()
	}
	if !sub.Force && by.ID != "" {
		if err := s.checkDuplicate(ctx, team, by, sub.Question); err != nil {
			return nil, nil, err
		}
	}
	pending, err := s.Entries(ctx, team, Pending)
	if err != nil {
		return nil, nil, err
	}
	mine := 0
	for _, e := range pending {
		if e.Submitter == by.ID {
			mine++
		}
	}
	if mine >= s.set.MaxPending {
		return nil, nil, userf(ErrLimit, "你已有 %d 条投稿在等待审核（上限 %d 条），请等主管审核后再投。", mine, s.set.MaxPending)
	}
	matches, err := s.Similar(ctx, team, sub.Question, 3, 0)
	if err != nil {
		return nil, nil, err
	}
	id, err := s.st.NextID(ctx, idSeq+team)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	e := &Entry{ID: id, Team: team, State: Pending, Question: sub.Question, Similar: sub.Similar, Answer: sub.Answer,
		Tags: sub.Tags, Submitter: by.ID, SubmitterName: by.Name, Origin: origin, Created: now}
	e.record(now, by, "submit", "")
	if err := s.put(ctx, e); err != nil {
		return nil, nil, err
	}
	return e, matches, nil
}

// checkDuplicate refuses a question the submitter already has pending or
// published, pointing at that entry.
func (s *Service) checkDuplicate(ctx context.Context, team string, by Actor, question string) error {
	idx, err := s.index(ctx, team)
	if err != nil {
		return err
	}
	norm := Normalize(question)
	var dup *Entry
	for _, e := range idx.docs {
		if e.Submitter == by.ID && (e.State == Pending || e.State == Approved) && Normalize(e.Question) == norm {
			dup = e
			break
		}
	}
	if dup == nil {
		for _, m := range idx.Similar(question, DuplicateMin, 0, 0) {
			if m.Entry.Submitter == by.ID {
				dup = m.Entry
				break
			}
		}
	}
	if dup == nil {
		return nil
	}
	const again = "如果确实是不同的问题，请在内容前加 ! 或“强制”再投，例如 /submit ! 问题 | 答案。"
	if dup.State == Pending {
		return userf(ErrDuplicate, "你已经投过这条：%s「%s」，正在等待主管审核，不用重复投稿。%s", dup.Ref(), Clip(dup.Question, 40), again)
	}
	return userf(ErrDuplicate, "知识库里已有 %s「%s」（你投的，已发布），如需补充请 /edit 或联系主管。%s", dup.Ref(), Clip(dup.Question, 40), again)
}

func needSupervisor(by Actor, what string) error {
	if !by.Supervisor {
		return userf(ErrPermission, "只有主管可以%s。", what)
	}
	return nil
}

func wantState(e *Entry, want State, what string) error {
	if e.State != want {
		return userf(ErrState, "#%d 当前是「%s」，只有「%s」的条目才能%s。", e.ID, e.State.Label(), want.Label(), what)
	}
	return nil
}

// Approve publishes a pending entry, optionally with a corrected answer. The
// submitter becomes its owner and earns the approval points.
func (s *Service) Approve(ctx context.Context, team string, id int64, by Actor, answer string) (*Entry, error) {
	if err := needSupervisor(by, "审核投稿"); err != nil {
		return nil, err
	}
	answer = strings.TrimSpace(answer)
	if answer != "" {
		if err := checkText("修改后的答案", answer, s.set.MaxAnswer); err != nil {
			return nil, err
		}
	}
	e, err := s.update(ctx, team, id, func(e *Entry, now time.Time) error {
		if err := wantState(e, Pending, "审核通过"); err != nil {
			return err
		}
		note := ""
		if answer != "" && answer != e.Answer {
			e.Answer, e.Edited, note = answer, true, "答案已修改"
		}
		e.State = Approved
		e.Approved, e.Verified = now, now
		e.VerifyDue = now.Add(s.set.verifyEvery())
		e.Owner, e.OwnerName = e.Submitter, e.SubmitterName
		e.Reason = ""
		e.record(now, by, "approve", note)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.award(ctx, e.Team, e.Submitter, s.set.ApprovePoints, ReasonApproved, e.ID, fmt.Sprintf("knowledge:approved:%s:%d", e.Team, e.ID), e.Approved); err != nil {
		return e, err
	}
	if err := s.linkAsks(ctx, e); err != nil {
		return e, err
	}
	return e, nil
}

// Reject turns a pending entry down with a reason.
func (s *Service) Reject(ctx context.Context, team string, id int64, by Actor, reason string) (*Entry, error) {
	if err := needSupervisor(by, "审核投稿"); err != nil {
		return nil, err
	}
	if err := checkText("驳回原因", reason, s.set.MaxReason); err != nil {
		return nil, err
	}
	return s.update(ctx, team, id, func(e *Entry, now time.Time) error {
		if err := wantState(e, Pending, "驳回"); err != nil {
			return err
		}
		e.State, e.Reason = Rejected, strings.TrimSpace(reason)
		e.record(now, by, "reject", e.Reason)
		return nil
	})
}

// Edit replaces the answer of a pending or approved entry. Editing an
// approved entry counts as verifying it.
func (s *Service) Edit(ctx context.Context, team string, id int64, by Actor, answer string) (*Entry, error) {
	if err := needSupervisor(by, "修改条目"); err != nil {
		return nil, err
	}
	if err := checkText("答案", answer, s.set.MaxAnswer); err != nil {
		return nil, err
	}
	return s.update(ctx, team, id, func(e *Entry, now time.Time) error {
		if e.State != Pending && e.State != Approved {
			return userf(ErrState, "#%d 当前是「%s」，只能修改待审核或已发布的条目。", e.ID, e.State.Label())
		}
		e.Answer = strings.TrimSpace(answer)
		e.Edited = true
		if e.State == Approved {
			e.Verified, e.VerifyDue = now, now.Add(s.set.verifyEvery())
		}
		e.record(now, by, "edit", "")
		return nil
	})
}

// Verify confirms an approved entry still holds and moves its re-verification
// date. Its owner or a supervisor may verify it; verifying an entry that is
// due earns points.
func (s *Service) Verify(ctx context.Context, team string, id int64, by Actor, note string) (*Entry, error) {
	var wasDue bool
	var due time.Time
	e, err := s.update(ctx, team, id, func(e *Entry, now time.Time) error {
		if err := wantState(e, Approved, "复核"); err != nil {
			return err
		}
		if !by.Supervisor && by.ID != e.Owner {
			return userf(ErrPermission, "#%d 由 %s 负责，只有负责人或主管可以复核。", e.ID, e.OwnerName)
		}
		soon := now.Add(time.Duration(s.set.DueSoonDays) * 24 * time.Hour)
		wasDue, due = e.Due(soon), e.VerifyDue
		e.Verified, e.VerifyDue = now, now.Add(s.set.verifyEvery())
		e.record(now, by, "verify", strings.TrimSpace(note))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if wasDue {
		key := fmt.Sprintf("knowledge:verified:%s:%d:%s", e.Team, e.ID, due.UTC().Format("2006-01-02"))
		if err := s.award(ctx, e.Team, by.ID, s.set.VerifyPoints, ReasonVerified, e.ID, key, e.Verified); err != nil {
			return e, err
		}
	}
	return e, nil
}

// Retire takes an approved entry out of the knowledge base with a reason.
func (s *Service) Retire(ctx context.Context, team string, id int64, by Actor, reason string) (*Entry, error) {
	if err := needSupervisor(by, "下线条目"); err != nil {
		return nil, err
	}
	if err := checkText("下线原因", reason, s.set.MaxReason); err != nil {
		return nil, err
	}
	return s.update(ctx, team, id, func(e *Entry, now time.Time) error {
		if err := wantState(e, Approved, "下线"); err != nil {
			return err
		}
		e.State, e.Reason = Retired, strings.TrimSpace(reason)
		e.record(now, by, "retire", e.Reason)
		return nil
	})
}

// DueBy lists the team's approved entries due for re-verification by t,
// soonest first.
func (s *Service) DueBy(ctx context.Context, team string, t time.Time) ([]*Entry, error) {
	all, err := s.Entries(ctx, team, Approved)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range all {
		if e.Due(t) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].VerifyDue.Before(out[j].VerifyDue) })
	return out, nil
}

// Stats counts a team's entries by state and those due for re-verification now.
type Stats struct {
	ByState map[State]int
	Due     int
}

// Stats summarises a team's knowledge base.
func (s *Service) Stats(ctx context.Context, team string) (Stats, error) {
	st := Stats{ByState: map[State]int{}}
	all, err := s.Entries(ctx, team)
	if err != nil {
		return st, err
	}
	now := s.now()
	for _, e := range all {
		st.ByState[e.State]++
		if e.Due(now) {
			st.Due++
		}
	}
	return st, nil
}

// Contributions counts, per submitter, the team's entries approved in [from,
// to) that are still approved or were retired later (知识贡献王).
func (s *Service) Contributions(ctx context.Context, team string, from, to time.Time) (map[string]int, error) {
	all, err := s.Entries(ctx, team, Approved, Retired)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, e := range all {
		if !e.Approved.Before(from) && e.Approved.Before(to) {
			out[e.Submitter]++
		}
	}
	return out, nil
}
