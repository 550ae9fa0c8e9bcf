package awardsbot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/awards/awardsbot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/platform/console"
	"github.com/banzu-bot/banzu/store"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// rig is a started bottest rig at now with the recognition feature's jobs;
// a month meets KPI at 85% satisfaction, as a company's simpler targets.
func rig(t *testing.T, now time.Time) (*bottest.Rig, *awardsbot.Awards) {
	t.Helper()
	r := bottest.New(t, bottest.At(now), bottest.WithConfig(func(c *config.Config) {
		c.Targets = config.Targets{"agent": {"satisfaction_min": 0.85}, "senior": {"satisfaction_min": 0.9}}
	}))
	svc := awards.New(r.Store, r.Cfg.Awards, r.Cfg.Targets, r.Cfg.KPI.StarWeights)
	svc.Teams = awards.TeamMap(r.Cfg.Teams)
	r.Start()
	return r, &awardsbot.Awards{Svc: svc}
}

// goodMonth records a month of steady figures for the agents of team:
// every day served, rated and mostly satisfied (the first does best).
func goodMonth(t *testing.T, st store.Store, team string, month time.Time, agents ...string) {
	t.Helper()
	var recs []kpi.Record
	for i, agent := range agents {
		for d := month; d.Month() == month.Month(); d = d.AddDate(0, 0, 1) {
			r := kpi.Record{Team: team, Date: d.Format(time.DateOnly), Agent: agent, Source: "test"}
			r.Set(kpi.Served, kpi.QExact, 100, 0)
			r.Set(kpi.Ratings, kpi.QExact, 40, 0)
			r.Set(kpi.Satisfied, kpi.QExact, float64(39-i), 40)
			r.Set(kpi.Dissatisfied, kpi.QExact, 0, 40)
			r.Set(kpi.FirstResp, kpi.QExact, float64(12+i)*100, 100)
			r.Set(kpi.Resolved, kpi.QExact, 90, 100)
			recs = append(recs, r)
		}
	}
	if err := kpi.NewRepo(st).PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func job(t *testing.T, js []*jobs.Job, name string) *jobs.Job {
	t.Helper()
	for _, j := range js {
		if j.Name == name {
			return j
		}
	}
	t.Fatalf("no job %q", name)
	return nil
}

// count is how many bot messages of chat contain want.
func count(r *bottest.Rig, chat, want string) int {
	n := 0
	for _, e := range r.Messages(chat, 0) {
		if e.From == "bot" && strings.Contains(bottest.Text(e), want) {
			n++
		}
	}
	return n
}

func ledgerLen(t *testing.T, st store.Store, name string) int {
	t.Helper()
	n := 0
	if err := st.Ledger(context.Background(), name, 0, func(int64, []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// The monthly ceremony posts last month's honours in the team's group once
// per slot: running the job again for the same slot posts nothing more and
// grants nothing more; a team without KPI data gets no post.
func TestCeremonyPostsOncePerSlot(t *testing.T) {
	slot := time.Date(2026, 11, 1, 10, 0, 0, 0, shanghai)
	r, a := rig(t, slot)
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai)
	goodMonth(t, r.Store, "presale", oct, "daliu", "xiaoli", "xiaowang")
	ceremony := job(t, a.Jobs(r.Bot), "awards-ceremony")
	if !ceremony.PerTeam || ceremony.DefaultSpec != "0 10 1 * *" {
		t.Errorf("ceremony job: per team %v, spec %q", ceremony.PerTeam, ceremony.DefaultSpec)
	}
	ctx := context.Background()
	for _, team := range []string{"presale", "aftersale"} {
		if err := ceremony.Fn(ctx, jobs.Run{TeamID: team, Slot: slot}); err != nil {
			t.Fatalf("%s: %v", team, err)
		}
	}
	r.Drain()
	granted := ledgerLen(t, r.Store, "recognition")
	if granted == 0 {
		t.Fatal("the ceremony granted nothing")
	}
	said := r.BotSaid("presale")
	if len(said) != 1 {
		t.Fatalf("presale group got %d messages, want the one ceremony post: %q", len(said), said)
	}
	for _, want := range []string{"售前组 2026年10月 月度荣誉榜", "🌟 **服务之星**：", "大刘"} {
		if !strings.Contains(said[0], want) {
			t.Errorf("ceremony post lacks %q:\n%s", want, said[0])
		}
	}
	if n := len(r.Messages("aftersale", 0)); n != 0 {
		t.Errorf("aftersale has no KPI data, yet got %d messages", n)
	}

	if err := ceremony.Fn(ctx, jobs.Run{TeamID: "presale", Slot: slot}); err != nil {
		t.Fatal(err)
	}
	posted, err := a.Ceremony(ctx, r.Bot, "presale", slot)
	if err != nil || posted {
		t.Errorf("Ceremony again = %v, %v; want false, nil", posted, err)
	}
	r.Drain()
	if n := count(r, "presale", "月度荣誉榜"); n != 1 {
		t.Errorf("%d ceremony posts after re-runs, want 1", n)
	}
	if g := ledgerLen(t, r.Store, "recognition"); g != granted {
		t.Errorf("re-runs granted more: %d → %d entries", granted, g)
	}
}

// A due 伯乐奖 reminder goes privately to the supervisor who gave the award,
// once; the group sees nothing. Without a giver it goes to the team's
// supervisors.
func TestReferralReminderGoesPrivately(t *testing.T) {
	now := time.Date(2026, 10, 2, 9, 0, 0, 0, shanghai)
	r, a := rig(t, now)
	ctx := context.Background()
	give := func(member, hire, hired, by string) {
		t.Helper()
		e := awards.Entry{Award: awards.Referral, Member: member, Subject: hire, Team: "presale", By: by,
			Reason: "推荐入职", Due: a.Svc.ReferralDue(hired, now), At: now.AddDate(0, -5, 0)}
		if _, _, err := a.Svc.Give(ctx, e, "referral/"+hire); err != nil {
			t.Fatal(err)
		}
	}
	give("aqiang", "xiaomei", "2026-04-01", "chen") // due 2026-10-01
	give("ajie", "lili", "2025-12-08", "")          // due 2026-06-08, nobody gave it
	give("daliu", "xiaowang", "2026-06-16", "chen") // due 2026-12-16: not yet

	remind := job(t, a.Jobs(r.Bot), "awards-reminders")
	for range 2 {
		if err := remind.Fn(ctx, jobs.Run{TeamID: "presale", Slot: now}); err != nil {
			t.Fatal(err)
		}
	}
	r.Drain()
	var got []string
	for _, e := range r.Messages(console.InboxPrefix+"chen", 0) {
		got = append(got, bottest.Text(e))
	}
	if len(got) != 2 {
		t.Fatalf("陈主管 got %d private messages, want 2 (his award's and the giverless one's): %q", len(got), got)
	}
	if !strings.Contains(got[0]+got[1], "阿强 推荐的 小美（2026-04-01 入职）已入职满 6 个月") ||
		!strings.Contains(got[0]+got[1], "阿杰 推荐的 莉莉") {
		t.Errorf("reminders: %q", got)
	}
	if strings.Contains(strings.Join(got, "\n"), "小王") {
		t.Errorf("小王's referral is not due yet: %q", got)
	}
	if n := len(r.Messages("presale", 0)); n != 0 {
		t.Errorf("the group got %d messages, want none", n)
	}
	for _, who := range []string{"aqiang", "ajie", "xiaomei", "lin"} {
		if n := len(r.Messages(console.InboxPrefix+who, 0)); n != 0 {
			t.Errorf("%s got %d private messages, want none", who, n)
		}
	}
}

// The 荣誉勋章 sheet lists the month's standing awards: the ceremony's
// titles and badges for October, a 委屈奖 given in October, and not what
// was given in November or revoked.
func TestAwardStatsRowsOfTheMonth(t *testing.T) {
	slot := time.Date(2026, 11, 1, 10, 0, 0, 0, shanghai)
	r, a := rig(t, slot)
	ctx := context.Background()
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai)
	goodMonth(t, r.Store, "presale", oct, "daliu", "xiaoli")
	if _, err := a.Ceremony(ctx, r.Bot, "presale", slot); err != nil {
		t.Fatal(err)
	}
	grant := func(member, reason string, at time.Time) *awards.Entry {
		t.Helper()
		e, _, err := a.Svc.Give(ctx, awards.Entry{Award: awards.Grievance, Member: member, Team: "presale", By: "chen", Reason: reason, At: at}, "test/"+reason)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	grant("xiaowen", "十月的委屈", time.Date(2026, 10, 18, 16, 0, 0, 0, shanghai))
	grant("aqiang", "十一月的委屈", time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai))
	gone := grant("lili", "撤销的委屈", time.Date(2026, 10, 20, 9, 0, 0, 0, shanghai))
	if _, _, err := a.Svc.Revoke(ctx, gone.Seq, "chen", "弄错了", slot); err != nil {
		t.Fatal(err)
	}

	to := time.Date(2026, 10, 31, 23, 59, 59, 0, shanghai)
	rows, err := awardsbot.AwardStats{Svc: a.Svc}.AwardSheet(ctx, "presale", oct, to)
	if err != nil {
		t.Fatal(err)
	}
	var star, grievance bool
	for _, row := range rows {
		switch {
		case row.Award == "服务之星" && row.FromKPI:
			star = true
		case row.Award == awards.Grievance && row.Member == "xiaowen" && strings.Contains(row.Reason, "十月的委屈"):
			grievance = true
		case row.Member == "aqiang" || row.Member == "lili":
			t.Errorf("row out of the month or revoked: %+v", row)
		}
		if row.Date.Before(oct) || row.Date.After(to) {
			t.Errorf("row dated %v, outside October: %+v", row.Date, row)
		}
	}
	if !star || !grievance {
		t.Errorf("rows lack the 服务之星 (%v) or October's 委屈奖 (%v): %+v", star, grievance, rows)
	}
	other, err := awardsbot.AwardStats{Svc: a.Svc}.AwardSheet(ctx, "aftersale", oct, to)
	if err != nil || len(other) != 0 {
		t.Errorf("aftersale rows = %+v, %v; want none", other, err)
	}
}

// The demo seeder records last month's ceremony (one console post per team
// with data), a 委屈奖 and a mentoring pair, once: seeding again, even by
// calling the seeder itself, adds nothing.
func TestSeederSeedsOnce(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)
	r, a := rig(t, now)
	goodMonth(t, r.Store, "presale", time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai), "daliu", "xiaoli")
	s := a.Seeder()
	if s.Name != "awards" {
		t.Errorf("seeder name %q", s.Name)
	}
	r.Seed(s)
	r.Drain()
	entries := ledgerLen(t, r.Store, "recognition")
	st, err := awards.Load(context.Background(), r.Store)
	if err != nil {
		t.Fatal(err)
	}
	var grievance, mentor int
	for _, e := range st.Entries {
		switch {
		case e.Award == awards.Grievance && e.Member == "xiaoli" && e.By == "chen":
			grievance++
		case e.Kind == awards.KindMentor && e.Member == "ajie" && e.Subject == "xiaowang":
			mentor++
		}
	}
	if grievance != 1 || mentor != 1 {
		t.Errorf("seeded %d 委屈奖 for 小李 and %d mentoring pairs 阿杰→小王, want 1 each", grievance, mentor)
	}
	if n := count(r, "presale", "月度荣誉榜"); n != 1 {
		t.Errorf("%d ceremony posts in the console, want 1", n)
	}

	r.Seed(s)
	if err := s.Seed(context.Background(), r.Bot); err != nil {
		t.Fatal(err)
	}
	r.Drain()
	if n := ledgerLen(t, r.Store, "recognition"); n != entries {
		t.Errorf("seeding again: %d → %d recognition entries", entries, n)
	}
	if n := count(r, "presale", "月度荣誉榜"); n != 1 {
		t.Errorf("%d ceremony posts after seeding again, want 1", n)
	}
	if n := count(r, "presale", "委屈奖"); n != 0 {
		t.Errorf("the demo's 委屈奖 is recorded silently, got %d posts", n)
	}
}
