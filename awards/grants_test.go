package awards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/points"
)

func TestSilverMentoringAndAMenteeWhoLosesTheStar(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, loc)
	roster := []Member{{ID: "boss"}, {ID: "m1", Mentor: "boss"}, {ID: "m2"}, {ID: "m3"}, {ID: "m4"}}
	for _, id := range []string{"m2", "m3"} {
		if _, _, err := s.Mentor(ctx, "t1", "boss", id, "sup", now); err != nil {
			t.Fatal(err)
		}
	}
	if _, created, _ := s.Mentor(ctx, "t1", "boss", "m2", "sup", now); created {
		t.Error("recording the same pair twice must not add an entry")
	}
	bronze := map[string]int64{}
	for _, id := range []string{"m1", "m2", "m3"} {
		e, _, err := appendEntry(ctx, s.St, "badge/test/"+id, &Entry{Kind: KindBadge, Award: Bronze, Member: id, Team: "t1", At: now})
		if err != nil {
			t.Fatal(err)
		}
		bronze[id] = e.Seq
	}
	// m3 loses the star before the ceremony: two of three is not enough.
	if _, _, err := s.Revoke(ctx, bronze["m3"], "sup", "数据有误", now); err != nil {
		t.Fatal(err)
	}
	c, err := s.RunCeremony(ctx, "t1", roster, month("2026-10"), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Badges) != 0 {
		t.Fatalf("silver with two star mentees: %+v", c.Badges)
	}
	p, _ := s.Progress(ctx, "t1", Member{ID: "boss"}, roster, now)
	if len(p.StarMentees) != 2 || len(p.Mentees) != 3 {
		t.Errorf("progress: star %v of %v", p.StarMentees, p.Mentees)
	}
	// A third mentee (m4) earns a badge: silver at the next ceremony.
	if _, _, err := s.Mentor(ctx, "t1", "boss", "m4", "sup", now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Give(ctx, Entry{Award: Gold, Member: "m4", Team: "t1", By: "mgr", Reason: "流程改进", At: now}, "gold/m4"); err != nil {
		t.Fatal(err)
	}
	c, err = s.RunCeremony(ctx, "t1", roster, month("2026-11"), now.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Badges) != 1 || c.Badges[0].Member != "boss" || c.Badges[0].Award != Silver {
		t.Fatalf("silver for boss: %+v", c.Badges)
	}
	// Gold twice is refused while held.
	if _, _, err := s.Give(ctx, Entry{Award: Gold, Member: "m4", Team: "t1", By: "mgr", Reason: "again", At: now}, "gold/m4/2"); !errors.Is(err, ErrHeld) {
		t.Errorf("second gold: %v", err)
	}
}

func TestRevokeKeepsTheEntryAndTakesPointsBack(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 5, 15, 0, 0, 0, loc)
	e, created, err := s.Give(ctx, Entry{Award: Grievance, Member: "a", Team: "t1", By: "sup", Reason: "面对辱骂保持专业", At: now}, "msg/1")
	if err != nil || !created || e.Points != 500 {
		t.Fatalf("give: %+v %v %v", e, created, err)
	}
	if _, created, _ := s.Give(ctx, Entry{Award: Grievance, Member: "a", Team: "t1", By: "sup", Reason: "x", At: now}, "msg/1"); created {
		t.Error("the same message twice must grant once")
	}
	if _, _, err := s.Revoke(ctx, e.Seq, "sup", "误操作", now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Revoke(ctx, e.Seq, "sup", "again", now); !errors.Is(err, ErrAlreadyRevoked) {
		t.Errorf("second revoke: %v", err)
	}
	if _, _, err := s.Revoke(ctx, 999, "sup", "x", now); !errors.Is(err, ErrNoEntry) {
		t.Errorf("unknown: %v", err)
	}
	st, _ := Load(ctx, s.St)
	if len(st.Entries) != 2 || st.Active(st.Entries[0]) || st.Revocation(e.Seq).Reason != "误操作" {
		t.Errorf("ledger after revoke: %+v", st.Entries)
	}
	r := period.Month(now)
	b, err := s.Leaderboard(ctx, BoardPoints, "t1", r, nil)
	if err != nil || len(b.Places) != 0 {
		t.Errorf("points after revoke should net to zero: %+v %v", b, err)
	}
}

func TestLeaderboardsSourcesTiesAndPeriods(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, loc)
	add := func(member, team, source string, pts int, when time.Time) {
		raw, _ := json.Marshal(points.Entry{Member: member, Team: team, Points: pts, Source: source, Reason: "knowledge_approved", At: when})
		if _, _, err := s.St.Append(ctx, points.Ledger, "", raw); err != nil {
			t.Fatal(err)
		}
	}
	add("a", "t1", SourceQuiz, 900, at)
	add("b", "t1", SourceQuiz, 600, at)
	add("b", "t1", SourceContest, 300, at)
	add("c", "t1", SourceKnowledge, 10, at)
	add("c", "t1", SourceKnowledge, 10, at.AddDate(0, -1, 0)) // October
	add("d", "t2", SourceQuiz, 5000, at)                      // another team
	nov := period.Month(at)
	b, _ := s.Leaderboard(ctx, BoardQuiz, "t1", nov, nil)
	if len(b.Places) != 2 || b.Places[0].Rank != 1 || b.Places[1].Rank != 1 || b.Places[0].Member != "a" {
		t.Errorf("quiz tie shares first place: %+v", b.Places)
	}
	b, _ = s.Leaderboard(ctx, BoardPoints, "t1", nov, nil)
	if len(b.Places) != 3 || b.Places[2].Member != "c" || b.Places[2].Rank != 3 || b.Places[2].Value != 10 {
		t.Errorf("points: %+v", b.Places)
	}
	b, _ = s.Leaderboard(ctx, BoardPoints, "", nov, nil)
	if b.Places[0].Member != "d" {
		t.Errorf("company-wide: %+v", b.Places)
	}
	n, _ := s.KnowledgeCounts(ctx, "t1", nov.From, nov.To.AddDate(0, 0, 1))
	if n["c"] != 1 {
		t.Errorf("knowledge approvals in November: %v", n)
	}
	// KPI board: the quiet agent is left out.
	putDays(t, s, "t1", "a", "2026-10", 20, good)
	putDays(t, s, "t1", "b", "2026-10", 20, poor)
	putDays(t, s, "t1", "q", "2026-10", 1, good)
	b, _ = s.Leaderboard(ctx, BoardKPI, "t1", period.Month(month("2026-10")), nil)
	if len(b.Places) != 2 || b.Places[0].Member != "a" || b.Places[0].Value != 100 || b.Places[1].Value >= 70 {
		t.Errorf("kpi board: %+v", b.Places)
	}
}

func TestReferralDueAndRows(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 20, 11, 0, 0, 0, loc)
	if got := s.ReferralDue("2026-04-01", now); got != "2026-10-01" {
		t.Errorf("due from hire date: %s", got)
	}
	if got := s.ReferralDue("", now); got != "2026-11-20" {
		t.Errorf("due without hire date: %s", got)
	}
	e, _, err := s.Give(ctx, Entry{Award: Referral, Member: "a", Subject: "new", Team: "t1", By: "sup", Due: "2026-10-01", At: now}, "referral/new")
	if err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueReferrals(ctx, "t1", "2026-09-30"); len(due) != 0 {
		t.Errorf("not due yet: %+v", due)
	}
	if due, _ := s.DueReferrals(ctx, "t1", "2026-10-01"); len(due) != 1 || due[0].Seq != e.Seq {
		t.Errorf("due: %+v", due)
	}
	rows, _ := s.Rows(ctx, "t1", period.Month(now).From, period.Month(now).To)
	if len(rows) != 1 || rows[0].Award != "伯乐奖" || rows[0].Points != 500 {
		t.Errorf("rows: %+v", rows)
	}
}

// A contest title is granted once per contest, labelled by its quarter,
// shown on the workbook sheet, and does not stand in for the monthly
// ceremony's title of the same name.
func TestContestTitleOnceAndApartFromTheCeremony(t *testing.T) {
	ctx := context.Background()
	monthly := func(s *Service) []string {
		for _, m := range []string{"2026-08", "2026-09", "2026-10"} {
			putDays(t, s, "t1", "a", m, 30, good)
			putDays(t, s, "t1", "b", m, 30, poor)
		}
		c, err := s.RunCeremony(ctx, "t1", []Member{{ID: "a"}, {ID: "b"}}, month("2026-10"), time.Date(2026, 11, 1, 10, 0, 0, 0, loc))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ct := range c.Titles {
			for _, w := range ct.Winners {
				out = append(out, ct.Title.Name+"="+w.Member)
			}
		}
		return out
	}
	control := monthly(newService(t))

	s := newService(t)
	at := time.Date(2026, 10, 14, 15, 0, 0, 0, loc)
	for i := 0; i < 2; i++ {
		for _, ct := range []ContestTitle{
			{Team: "t1", Member: "b", Title: "服务速度王", Contest: "t1-7", Figures: "答对 5/5 题", At: at},
			{Team: "t1", Member: "b", Title: "问题终结者", Contest: "t1-7", Figures: "答对 5/5 题", At: at},
		} {
			e, created, err := s.GrantContestTitle(ctx, ct)
			if err != nil || created != (i == 0) || e.Period != "2026-Q4" || e.Points != 0 {
				t.Fatalf("run %d: %+v created=%v %v", i, e, created, err)
			}
		}
	}
	st, err := Load(ctx, s.St)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Entries) != 2 || len(st.Of("b")) != 2 {
		t.Fatalf("ledger: %d entries", len(st.Entries))
	}
	if got := MonthLabel("2026-Q4"); got != "2026年第4季度" {
		t.Errorf("quarter label %q", got)
	}
	if got := MonthLabel("2026-Q5"); got != "2026-Q5" {
		t.Errorf("bad quarter label %q", got)
	}
	rows, err := s.Rows(ctx, "t1", time.Date(2026, 10, 1, 0, 0, 0, 0, loc), time.Date(2026, 10, 31, 23, 59, 59, 0, loc))
	if err != nil || len(rows) != 2 || rows[0].Reason != "2026年第4季度服务技能大练兵：答对 5/5 题" {
		t.Errorf("rows: %+v %v", rows, err)
	}
	if got := monthly(s); fmt.Sprint(got) != fmt.Sprint(control) {
		t.Errorf("with a contest title the ceremony gave %v, without %v", got, control)
	}
}
