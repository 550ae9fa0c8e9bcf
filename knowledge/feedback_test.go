package knowledge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func approved(t *testing.T, s *Service, n int) []*Entry {
	t.Helper()
	var out []*Entry
	for i := 0; i < n; i++ {
		e, _ := mustSubmit(t, s, "t", wang, fmt.Sprintf("问题%d号商品发什么快递 | 答案%d：默认中通，可备注顺丰", i, i))
		e, err := s.Approve(context.Background(), "t", e.ID, chen, "")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestVoteOncePerMember(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newTestService(t)
	e := approved(t, s, 1)[0]
	if _, _, err := s.Vote(ctx, "t", e.ID, li, false, ""); !errors.Is(err, ErrLimit) {
		t.Errorf("👎 needs a reason: %v", err)
	}
	if _, f, err := s.Vote(ctx, "t", e.ID, li, false, "规则变了"); err != nil || f.Down != 1 || len(f.Reasons) != 1 {
		t.Fatalf("👎: %+v %v", f, err)
	}
	// The same member changes their mind: the vote moves, not adds.
	if _, f, err := s.Vote(ctx, "t", e.ID, li, true, ""); err != nil || f.Up != 1 || f.Down != 0 {
		t.Errorf("changed vote: %+v %v", f, err)
	}
	// Votes at once from many members all count.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := s.Vote(ctx, "t", e.ID, Actor{ID: fmt.Sprintf("m%d", i), Name: "m"}, true, ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if f, err := s.Feedback(ctx, "t", e.ID); err != nil || f.Up != 9 {
		t.Errorf("after concurrent votes: %+v %v", f, err)
	}
	pending, _ := mustSubmit(t, s, "t", li, "退货地址在哪 | 订单详情里")
	if _, _, err := s.Vote(ctx, "t", pending.ID, wang, true, ""); !errors.Is(err, ErrState) {
		t.Errorf("pending entries take no votes: %v", err)
	}
}

func TestPruneProposesPoorThenIdleUpToAShare(t *testing.T) {
	ctx := context.Background()
	s, _, c := newTestService(t)
	es := approved(t, s, 10)
	// #0 mostly 👎, #1 half 👎, #2 👎 but too few votes, the rest used now
	// and then, except #9 never used.
	for i, who := range []Actor{wang, li, chen} {
		if _, _, err := s.Vote(ctx, "t", es[0].ID, who, false, "过时了"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Vote(ctx, "t", es[1].ID, who, i == 0, "不对"); err != nil {
			t.Fatal(err)
		}
	}
	s.Vote(ctx, "t", es[2].ID, wang, false, "不对")
	c.Add(100 * 24 * time.Hour)
	for _, e := range es[2:9] {
		if err := s.Used(ctx, "t", e.ID); err != nil {
			t.Fatal(err)
		}
	}
	props, err := s.Prune(ctx, "t", c.Now(), DefaultPruneRules())
	if err != nil {
		t.Fatal(err)
	}
	// 20% of 10 entries: two, the poorly rated first (3/3 before 2/3).
	if len(props) != 2 || props[0].Entry.ID != es[0].ID || props[1].Entry.ID != es[1].ID || !props[0].Poor {
		t.Fatalf("proposals: %+v", props)
	}
	props, _ = s.Prune(ctx, "t", c.Now(), PruneRules{IdleDays: 90, MinVotes: 3, PoorShare: 0.5, RetireShare: 1})
	if len(props) != 3 || props[2].Entry.ID != es[9].ID || props[2].Poor || props[2].Why != "发布 100 天，从没人用过" {
		t.Fatalf("with no cap, the never-used entry follows: %+v", props)
	}
}
