package awards

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReferralFollowUpWindowAndOnce(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	loc := time.UTC
	given := time.Date(2026, 6, 5, 10, 0, 0, 0, loc)
	if _, _, err := s.Give(ctx, Entry{Award: Referral, Member: "aq", Team: "t", Subject: "new", By: "chen", Reason: "推荐", At: given,
		Due: s.ReferralDue("2026-06-01", given)}, "referral/new"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.ReferralFollowUp(ctx, "t", "other", "2026-06-01", "资深客服", given); !errors.Is(err, ErrNoReferral) {
		t.Errorf("no referral: %v", err)
	}
	// Hired 2026-06-01: the window ends on 2026-12-01 (inclusive).
	late := time.Date(2026, 12, 2, 9, 0, 0, 0, loc)
	if _, ref, _, err := s.ReferralFollowUp(ctx, "t", "new", "2026-06-01", "资深客服", late); !errors.Is(err, ErrTooLate) || ref == nil {
		t.Errorf("after the window: %v", err)
	}
	onTime := time.Date(2026, 12, 1, 18, 0, 0, 0, loc)
	e, ref, created, err := s.ReferralFollowUp(ctx, "t", "new", "2026-06-01", "资深客服", onTime)
	if err != nil || !created || e.Member != "aq" || e.Award != ReferralPromotion || e.Ref != ref.Seq || e.Figures != "晋升奖金 300 元" {
		t.Fatalf("follow-up: %+v %v %v", e, created, err)
	}
	if _, _, created, err := s.ReferralFollowUp(ctx, "t", "new", "2026-06-01", "客服主管", onTime); err != nil || created {
		t.Errorf("a second promotion pays once: %v %v", created, err)
	}
	due, err := s.DueReferrals(ctx, "t", "2027-01-01")
	if err != nil || len(due) != 0 {
		t.Errorf("no reminder after the follow-up: %v %v", due, err)
	}
}
