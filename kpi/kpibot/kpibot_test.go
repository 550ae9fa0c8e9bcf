package kpibot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/kpi/kpibot"
)

// morning is 09:30 on Monday 2026-11-23 in Shanghai: the summary's slot.
func morning() time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 11, 23, 9, 30, 0, 0, loc)
}

// rig is a started bottest rig with 60 days of demo KPI history up to the
// day before morning().
func rig(t *testing.T) (*bottest.Rig, *kpibot.KPI) {
	r := bottest.New(t, bottest.At(morning()))
	k := &kpibot.KPI{Repo: kpi.NewRepo(r.Store), Targets: r.Cfg.Targets, Weights: r.Cfg.KPI.StarWeights}
	r.Seed(k.DemoSeeder(r.Clock.Now))
	r.Start()
	return r, k
}

// runOnce runs j for team and slot as the scheduler does (once per slot).
func runOnce(t *testing.T, r *bottest.Rig, j *jobs.Job, team string, slot time.Time) bool {
	t.Helper()
	ran, err := jobs.RunOnce(context.Background(), r.Store, slog.New(slog.NewTextHandler(io.Discard, nil)), j, jobs.Run{TeamID: team, Slot: slot})
	if err != nil {
		t.Fatalf("%s for %s: %v", j.Name, team, err)
	}
	r.Drain()
	return ran
}

// botSaid lists the bot's messages in chat that contain s.
func botSaid(r *bottest.Rig, chat, s string) []string {
	var out []string
	for _, e := range r.Messages(chat, 0) {
		if txt := bottest.Text(e); e.From == "bot" && strings.Contains(txt, s) {
			out = append(out, txt)
		}
	}
	return out
}

func TestDailySummaryPostsOnceAndMissesPrivately(t *testing.T) {
	r, k := rig(t)
	j := k.SummaryJob(r.Bot)
	if !runOnce(t, r, j, "presale", morning()) {
		t.Fatal("the first run of the slot did not run")
	}
	if runOnce(t, r, j, "presale", morning()) {
		t.Error("a second run of the same slot ran again")
	}
	posts := botSaid(r, "presale", "昨日战报")
	if len(posts) != 1 {
		t.Fatalf("%d summaries in the presale group, want 1: %q", len(posts), posts)
	}
	for _, want := range []string{"售前组 昨日战报 · 11月22日 周日", "今日之星", "本月至今（11月1日–22日）"} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("summary lacks %q:\n%s", want, posts[0])
		}
	}
	if got := botSaid(r, "aftersale", "昨日战报"); len(got) != 0 {
		t.Errorf("the presale summary reached the aftersale group: %q", got)
	}
	// The misses go to the supervisor alone, never to the group or an agent.
	misses := r.Messages("inbox:chen", 0)
	if len(misses) != 1 || !strings.Contains(bottest.Text(misses[0]), "售前组 11月22日 未达标明细") {
		t.Fatalf("the supervisor should get the misses privately once, got %d messages", len(misses))
	}
	for _, e := range r.Messages("presale", 0) {
		if bottest.Text(e) == bottest.Text(misses[0]) {
			t.Errorf("the misses were posted in the group too: %q", bottest.Text(e))
		}
	}
	for _, id := range []string{"xiaowang", "xiaoli", "lin"} {
		if got := r.Messages("inbox:"+id, 0); len(got) != 0 {
			t.Errorf("%s got %d private messages, want none: %q", id, len(got), bottest.Text(got[0]))
		}
	}
}

func TestDailySummaryWithoutDataRemindsSupervisorPrivately(t *testing.T) {
	r, k := rig(t)
	later := morning().AddDate(0, 0, 2) // the history ends two days before "yesterday"
	r.Clock.Set(later)
	runOnce(t, r, k.SummaryJob(r.Bot), "presale", later)
	if got := botSaid(r, "presale", ""); len(got) != 0 {
		t.Errorf("no data: nothing may be posted in the group, got %q", got)
	}
	got := botSaid(r, "inbox:chen", "还没有 11月24日 的客服数据")
	if len(got) != 1 || !strings.Contains(got[0], "banzu import kpi") {
		t.Errorf("the supervisor should be reminded to import once: %q", got)
	}
	if got := r.Messages("inbox:lin", 0); len(got) != 0 {
		t.Errorf("the other team's supervisor was reminded: %q", bottest.Text(got[0]))
	}
}

func TestAlertJobWarnsOncePerDay(t *testing.T) {
	r, k := rig(t)
	later := morning().AddDate(0, 0, 2)
	r.Clock.Set(later)
	// A day with three times the usual bad reviews raises a red alert.
	var recs []kpi.Record
	for _, id := range []string{"xiaozhou", "xiaozheng", "afang"} {
		rec := kpi.Record{Team: "aftersale", Date: "2026-11-24", Agent: id, Source: "test"}
		rec.Set(kpi.Served, kpi.QExact, 100, 0)
		rec.Set(kpi.Ratings, kpi.QExact, 40, 0)
		rec.Set(kpi.Satisfied, kpi.QExact, 28, 40)
		rec.Set(kpi.Dissatisfied, kpi.QExact, 10, 40)
		recs = append(recs, rec)
	}
	if err := k.Repo.PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	j := k.AlertJob(r.Bot, r.Store)
	runOnce(t, r, j, "aftersale", later)
	runOnce(t, r, j, "aftersale", later.Add(time.Hour)) // the next hour's slot: same day
	alerts := botSaid(r, "aftersale", "差评预警")
	if len(alerts) != 1 {
		t.Fatalf("%d alerts for one team and day, want 1: %q", len(alerts), alerts)
	}
	if !strings.Contains(alerts[0], "🔴") || !strings.Contains(alerts[0], "差评率 25.0%（30/120）") || !strings.Contains(alerts[0], "请主管") {
		t.Errorf("red alert: %q", alerts[0])
	}
	// An ordinary day raises nothing.
	runOnce(t, r, j, "presale", morning())
	if got := botSaid(r, "presale", "差评预警"); len(got) != 0 {
		t.Errorf("an ordinary day raised an alert: %q", got)
	}
	// CheckAlert reports the alert it posts, and nothing the second time.
	a, err := k.CheckAlert(context.Background(), r.Bot, r.Store, "aftersale", "2026-11-24")
	if err != nil || a != nil {
		t.Errorf("CheckAlert again = %v, %v; want nothing posted", a, err)
	}
}
