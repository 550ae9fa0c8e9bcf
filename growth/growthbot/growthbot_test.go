package growthbot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/growth/growthbot"
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

func rig(t *testing.T, now time.Time) (*bottest.Rig, *growthbot.Talks) {
	t.Helper()
	r := bottest.New(t, bottest.At(now), bottest.WithConfig(func(c *config.Config) {
		c.Targets = config.Targets{"agent": {"satisfaction_min": 0.85}, "senior": {"satisfaction_min": 0.9}}
	}))
	r.Start()
	return r, &growthbot.Talks{St: r.Store, Cfg: r.Cfg.Growth, Targets: r.Cfg.Targets}
}

// month records a month of figures for agent at the given satisfaction
// (satisfied of 40 ratings a day).
func month(t *testing.T, st store.Store, team, agent string, first time.Time, satisfied float64) {
	t.Helper()
	var recs []kpi.Record
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		r := kpi.Record{Team: team, Date: d.Format(time.DateOnly), Agent: agent, Source: "test"}
		r.Set(kpi.Served, kpi.QExact, 100, 0)
		r.Set(kpi.Ratings, kpi.QExact, 40, 0)
		r.Set(kpi.Satisfied, kpi.QExact, satisfied, 40)
		recs = append(recs, r)
	}
	if err := kpi.NewRepo(st).PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func talk(t *testing.T, st store.Store, team, member, by, note string, at time.Time) {
	t.Helper()
	if _, _, err := growth.AddTalk(context.Background(), st, growth.Talk{Team: team, Member: member, By: by, Note: note, At: at}, ""); err != nil {
		t.Fatal(err)
	}
}

// The monthly reminder tells each team's supervisor privately who is due a
// one-to-one, those below target last month first, once per month; the
// groups see nothing, and an agent already talked with this month is not
// listed.
func TestTalksReminderGoesPrivatelyToSupervisors(t *testing.T) {
	slot := time.Date(2026, 12, 1, 9, 30, 0, 0, shanghai)
	r, g := rig(t, slot)
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)
	month(t, r.Store, "presale", "xiaoli", nov, 39) // on target
	month(t, r.Store, "presale", "daliu", nov, 20)  // below
	talk(t, r.Store, "presale", "xiaowang", "chen", "本月已谈", slot.Add(-time.Hour))
	talk(t, r.Store, "presale", "aqiang", "chen", "上月谈过", nov.AddDate(0, 0, 3))

	js := g.Jobs(r.Bot)
	if len(js) != 1 || js[0].Name != "growth-talks" || !js[0].PerTeam {
		t.Fatalf("jobs: %+v", js)
	}
	ctx := context.Background()
	for range 2 {
		for _, team := range []string{"presale", "aftersale"} {
			if err := js[0].Fn(ctx, jobs.Run{TeamID: team, Slot: slot}); err != nil {
				t.Fatalf("%s: %v", team, err)
			}
		}
	}
	r.Drain()

	private := func(who string) []string {
		var out []string
		for _, e := range r.Messages(console.InboxPrefix+who, 0) {
			out = append(out, bottest.Text(e))
		}
		return out
	}
	chen := private("chen")
	if len(chen) != 1 {
		t.Fatalf("陈主管 got %d private messages, want one list: %q", len(chen), chen)
	}
	list := chen[0]
	if !strings.Contains(list, "售前组 2026年12月 一对一面谈") || !strings.Contains(list, "还有 7 人待面谈") {
		t.Errorf("list head: %s", list)
	}
	if !strings.Contains(list, "1. 大刘 ⚠ 上月未达标") {
		t.Errorf("大刘 missed target in November and comes first: %s", list)
	}
	if strings.Contains(list, "小王") {
		t.Errorf("小王 was talked with this month, yet listed: %s", list)
	}
	if !strings.Contains(list, "阿强") || !strings.Contains(list, "上次面谈 2026-11-04") {
		t.Errorf("阿强 is due again, with his last talk: %s", list)
	}
	if strings.Contains(list, "陈主管") || strings.Contains(list, "赵经理") {
		t.Errorf("only agents are due: %s", list)
	}
	lin := private("lin")
	if len(lin) != 1 || !strings.Contains(lin[0], "售后组") || strings.Contains(lin[0], "售前组") {
		t.Errorf("林主管 gets aftersale's list only: %q", lin)
	}
	for _, chat := range []string{"presale", "aftersale"} {
		if n := len(r.Messages(chat, 0)); n != 0 {
			t.Errorf("group %s got %d messages, want none", chat, n)
		}
	}
	for _, who := range []string{"daliu", "xiaoli", "zhao"} {
		if got := private(who); len(got) != 0 {
			t.Errorf("%s got private messages: %q", who, got)
		}
	}
}

// With everyone talked with this month nobody is reminded.
func TestTalksReminderQuietWhenNobodyDue(t *testing.T) {
	slot := time.Date(2026, 12, 1, 9, 30, 0, 0, shanghai)
	r, g := rig(t, slot)
	for _, id := range []string{"xiaozhou", "xiaozheng", "afang", "xiaowu"} {
		talk(t, r.Store, "aftersale", id, "lin", "谈过", slot.Add(-time.Hour))
	}
	n, err := g.RemindTalks(context.Background(), r.Bot, "aftersale", slot)
	if err != nil || n != 0 {
		t.Errorf("RemindTalks = %d, %v; want 0, nil", n, err)
	}
	r.Drain()
	if got := r.Messages(console.InboxPrefix+"lin", 0); len(got) != 0 {
		t.Errorf("林主管 got %d messages", len(got))
	}
}

// The 面谈 sheet lists the team's talks in the period, and only those.
func TestTalkStatsRowsOfThePeriod(t *testing.T) {
	r, _ := rig(t, time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai))
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)
	talk(t, r.Store, "presale", "daliu", "chen", "十一月", nov.AddDate(0, 0, 10))
	talk(t, r.Store, "presale", "xiaoli", "chen", "十月", nov.AddDate(0, 0, -2))
	talk(t, r.Store, "aftersale", "afang", "lin", "别的团队", nov.AddDate(0, 0, 5))
	to := time.Date(2026, 11, 30, 23, 59, 59, 0, shanghai)
	rows, err := growthbot.TalkStats{St: r.Store}.TalkSheet(context.Background(), "presale", nov, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Member != "daliu" || rows[0].By != "chen" || rows[0].Note != "十一月" || rows[0].Date.Day() != 11 {
		t.Errorf("rows = %+v", rows)
	}
}
