package awards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/points"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

var loc = time.FixedZone("CST", 8*3600)

func newStore(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// targets: satisfaction ≥ 90% is the whole KPI, so tests steer it directly.
var targets = config.Targets{"agent": {"satisfaction_min": 0.9}, "senior": {"satisfaction_min": 0.9}}

func newService(t *testing.T) *Service {
	return New(newStore(t), config.DefaultAwards(), targets, config.DefaultStarWeights())
}

// day is one agent-day of figures.
type day struct {
	served, ratings, sat float64
	inq, paid            float64
	first                float64 // seconds
	resolved             float64 // of served
	recovered            float64
}

func (d day) record(team, date, agent string) kpi.Record {
	r := kpi.Record{Team: team, Date: date, Agent: agent, Source: "test"}
	r.Set(kpi.Served, kpi.QExact, d.served, 0)
	if d.ratings > 0 {
		r.Set(kpi.Ratings, kpi.QExact, d.ratings, 0)
		r.Set(kpi.Satisfied, kpi.QExact, d.sat, d.ratings)
	}
	if d.inq > 0 {
		r.Set(kpi.Inquiries, kpi.QExact, d.inq, 0)
		r.Set(kpi.Paid, kpi.QExact, d.paid, 0)
	}
	if d.first > 0 {
		r.Set(kpi.FirstResp, kpi.QExact, d.first*d.served, d.served)
	}
	if d.resolved > 0 {
		r.Set(kpi.Resolved, kpi.QExact, d.resolved, d.served)
	}
	if d.recovered > 0 {
		r.Set(kpi.Recovered, kpi.QExact, d.recovered, 0)
	}
	return r
}

// putDays stores n days of d for agent from the first of month.
func putDays(t *testing.T, s *Service, team, agent, month string, n int, d day) {
	t.Helper()
	first, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		t.Fatal(err)
	}
	var recs []kpi.Record
	for i := 0; i < n; i++ {
		recs = append(recs, d.record(team, first.AddDate(0, 0, i).Format(period.Layout), agent))
	}
	if err := s.KPI.PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

var good = day{served: 100, ratings: 40, sat: 38, inq: 50, paid: 12, first: 15, resolved: 85} // 95% satisfaction
var poor = day{served: 100, ratings: 40, sat: 30, inq: 50, paid: 10, first: 25, resolved: 70} // 75%

func month(s string) time.Time {
	t, _ := time.ParseInLocation("2006-01", s, loc)
	return t
}

func TestBronzeStreakEdges(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	// xw: Aug met, Sep met, Oct missed. lq: Aug, Sep, Oct met. zz: Sep, Oct met (no Aug data).
	for _, m := range []string{"2026-08", "2026-09"} {
		putDays(t, s, "t1", "xw", m, 20, good)
		putDays(t, s, "t1", "lq", m, 20, good)
	}
	putDays(t, s, "t1", "xw", "2026-10", 20, poor)
	putDays(t, s, "t1", "lq", "2026-10", 20, good)
	putDays(t, s, "t1", "zz", "2026-09", 20, good)
	putDays(t, s, "t1", "zz", "2026-10", 20, good)
	roster := []Member{{ID: "xw"}, {ID: "lq"}, {ID: "zz"}}

	ms, err := LoadMonths(ctx, s.KPI, "t1", month("2026-09"), 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := ms.Streak(roster[0], targets); got != 2 {
		t.Errorf("xw after two months met: streak %d, want 2", got)
	}
	ms, _ = LoadMonths(ctx, s.KPI, "t1", month("2026-10"), 3)
	for id, want := range map[string]int{"xw": 0, "lq": 3, "zz": 2} {
		if got := ms.Streak(Member{ID: id}, targets); got != want {
			t.Errorf("%s streak at October = %d, want %d", id, got, want)
		}
	}

	now := time.Date(2026, 11, 1, 10, 0, 0, 0, loc)
	c, err := s.RunCeremony(ctx, "t1", roster, month("2026-10"), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Badges) != 1 || c.Badges[0].Member != "lq" || c.Badges[0].Award != Bronze {
		t.Fatalf("October bronze: %+v", c.Badges)
	}
	if len(c.NearBronze) != 1 || c.NearBronze[0].Member != "zz" || c.NearBronze[0].Streak != 2 {
		t.Errorf("one month away from bronze: %+v", c.NearBronze)
	}
	// Progress as /badges shows it in November.
	p, err := s.Progress(ctx, "t1", Member{ID: "zz"}, roster, now.AddDate(0, 0, 3))
	if err != nil || p.Streak != 2 || p.Bronze != nil || p.StreakEnd != "2026-10" {
		t.Errorf("zz progress: %+v %v", p, err)
	}
	// A senior is held to the senior targets.
	sen := config.Targets{"agent": {"satisfaction_min": 0.9}, "senior": {"satisfaction_min": 0.96}}
	if got := ms.Streak(Member{ID: "lq", Level: "senior"}, sen); got != 0 {
		t.Errorf("senior at 95%% against 96%%: streak %d", got)
	}
}

func TestCeremonyGrantsOnceAcrossRunsAndReplicas(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	for _, m := range []string{"2026-08", "2026-09", "2026-10"} {
		putDays(t, s, "t1", "a", m, 20, good)
		putDays(t, s, "t1", "b", m, 20, poor)
	}
	roster := []Member{{ID: "a"}, {ID: "b"}}
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, loc)
	var wg sync.WaitGroup
	results := make([]*Ceremony, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Each "replica" has its own service over the shared store.
			r := New(s.St, s.Cfg, s.Targets, s.Weights)
			results[i], errs[i] = r.RunCeremony(ctx, "t1", roster, month("2026-10"), now)
		}(i)
	}
	wg.Wait()
	created := 0
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		created += results[i].Created
	}
	st, err := Load(ctx, s.St)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range st.Entries {
		counts[e.Kind+"/"+e.Award+"/"+e.Member]++
	}
	for k, n := range counts {
		if n != 1 {
			t.Errorf("%s granted %d times", k, n)
		}
	}
	if created != len(st.Entries) {
		t.Errorf("runs report %d created, ledger holds %d", created, len(st.Entries))
	}
	if counts["badge/青铜/a"] != 1 || counts["title/服务之星/a"] != 1 {
		t.Errorf("expected a's bronze and 服务之星: %v", counts)
	}
	again, err := s.RunCeremony(ctx, "t1", roster, month("2026-10"), now.Add(time.Hour))
	if err != nil || again.Created != 0 {
		t.Fatalf("third run created %d (%v)", again.Created, err)
	}
	// Points once per grant.
	pts := map[string]int{}
	s.St.Ledger(ctx, points.Ledger, 0, func(_ int64, raw []byte) error {
		var p points.Entry
		json.Unmarshal(raw, &p)
		pts[p.Member] += p.Points
		return nil
	})
	want := 0
	for _, e := range st.Entries {
		if e.Member == "a" {
			want += e.Points
		}
	}
	if pts["a"] != want || want == 0 {
		t.Errorf("a's points %d, want %d", pts["a"], want)
	}
}

func TestTitleMinimumVolumeDaysAndTies(t *testing.T) {
	rep := &kpi.Report{Team: "t1", Agents: map[string]*kpi.Totals{}}
	add := func(id string, n int, d day) {
		tt := &kpi.Totals{}
		for i := 0; i < n; i++ {
			r := d.record("t1", fmt.Sprintf("2026-10-%02d", i+1), id)
			tt.Add(&r)
		}
		rep.Agents[id] = tt
	}
	// A one-day agent with perfect figures, two steady agents tied on satisfaction,
	// and one who worked enough days but with too few ratings.
	add("oneday", 1, day{served: 600, ratings: 200, sat: 200, first: 5, resolved: 600, inq: 300, paid: 200})
	add("a", 20, good)
	add("b", 20, good)
	add("few", 20, day{served: 20, ratings: 4, sat: 4, first: 8, resolved: 20, inq: 5, paid: 5})
	titles := []config.AwardTitle{
		{Name: "客户满意奖", Metric: "satisfaction", MinVolume: 100},
		{Name: "服务速度王", Metric: "first_response", MinVolume: 500},
		{Name: "挽单能手", Metric: "recovered", MinVolume: 500},
		{Name: "知识贡献王", Metric: "knowledge", MinVolume: 2},
		{Name: "服务之星", Metric: "composite", MinVolume: 500},
	}
	in := TitleInput{Report: rep, MinDays: 10, Weights: config.DefaultStarWeights(), Knowledge: map[string]int{"a": 1, "b": 3, "outsider": 9},
		Eligible: func(id string) bool { return id != "outsider" }}
	res := DecideTitles(in, titles)
	sat := res[0]
	if len(sat.Winners) != 2 || sat.Winners[0].Member != "a" || sat.Winners[1].Member != "b" || sat.Contenders != 2 {
		t.Fatalf("tie on satisfaction should share the title between a and b: %+v", sat)
	}
	if sat.Winners[0].Figures != "满意率 95.0%（760/800 条评价）" {
		t.Errorf("figures: %q", sat.Winners[0].Figures)
	}
	if w := res[1].Winners; len(w) != 2 || w[0].Figures != "平均首次响应 15.0 秒（接待 2,000 人）" {
		t.Errorf("speed: %+v", res[1])
	}
	if len(res[2].Winners) != 0 {
		t.Errorf("no recovered data, no 挽单能手: %+v", res[2])
	}
	if w := res[3].Winners; len(w) != 1 || w[0].Member != "b" {
		t.Errorf("知识贡献王 needs 2 approvals and the roster: %+v", res[3])
	}
	// Lower the day minimum: the one-day agent now qualifies and wins.
	in.MinDays = 1
	if w := DecideTitles(in, titles[:1])[0].Winners; len(w) != 1 || w[0].Member != "oneday" {
		t.Errorf("with min_days 1 the one-day agent wins: %+v", w)
	}
	// Exactly at the minimum volume qualifies; one below does not.
	in.MinDays = 10
	edge := []config.AwardTitle{{Name: "x", Metric: "satisfaction", MinVolume: 80}} // few has 4×20 = 80 ratings
	if got := DecideTitles(in, edge)[0]; got.Contenders != 3 || got.Winners[0].Member != "few" {
		t.Errorf("at the minimum: %+v", got)
	}
	edge[0].MinVolume = 81
	if got := DecideTitles(in, edge)[0]; got.Contenders != 2 {
		t.Errorf("one below the minimum: %+v", got)
	}
}

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
