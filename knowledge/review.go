package knowledge

import (
	"context"
	"fmt"
	"strings"
	"time"
)

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
	if by.ID == "" {
		return s.submit(ctx, team, by, sub, origin)
	}
	var (
		e       *Entry
		matches []Match
	)
	err := s.locked(ctx, "knowledge:submit:"+team+":"+by.ID, func(ctx context.Context) error {
		var err error
		e, matches, err = s.submit(ctx, team, by, sub, origin)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return e, matches, nil
}

func (s *Service) submit(ctx context.Context, team string, by Actor, sub Submission, origin Origin) (*Entry, []Match, error) {
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
