package awards

import (
	"context"
	"encoding/json"
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
