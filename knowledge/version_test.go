package knowledge

import (
	"context"
	"testing"

	"github.com/banzu-bot/banzu/store"
)

// writes records the store's Writes.
type writes struct {
	store.Store
	ops [][]store.Op
}

func (w *writes) Write(ctx context.Context, ops []store.Op) error {
	w.ops = append(w.ops, ops)
	return w.Store.Write(ctx, ops)
}

// TestEntryAndVersionOneWrite: every change of an entry moves its team's
// index version in the same write, so no replica can see the entry without
// the version (a stale search index) or the version without the entry.
func TestEntryAndVersionOneWrite(t *testing.T) {
	_, st, c := newTestService(t)
	w := &writes{Store: st}
	s := New(w, DefaultSettings(), c.Now)
	ctx := context.Background()
	e, _, err := s.Submit(ctx, "presale", wang, Submission{Question: "退货运费谁出", Answer: "七天内质量问题由我们承担运费"}, Origin{})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if _, err := s.Approve(ctx, "presale", e.ID, chen, ""); err != nil {
		t.Fatalf("Approve: %v", err)
	}
	if len(w.ops) != 2 {
		t.Fatalf("%d Writes for a submit and an approval, want 2", len(w.ops))
	}
	for i, ops := range w.ops {
		if len(ops) != 2 || ops[0].Coll != EntriesColl || ops[0].Key != entryKey("presale", e.ID) ||
			ops[1].Kind != store.OpIncr || ops[1].Coll != versionColl || ops[1].Key != "presale" || ops[1].Delta != 1 {
			t.Fatalf("Write %d = %+v, want the entry and its team's version", i, ops)
		}
	}
	if v, err := st.Incr(ctx, versionColl, "presale", 0); err != nil || v != 2 {
		t.Fatalf("version = %d, %v; want 2", v, err)
	}
	got, err := s.Get(ctx, "presale", e.ID)
	if err != nil || got.State != Approved {
		t.Fatalf("Get = %+v, %v; want the approved entry", got, err)
	}
}
