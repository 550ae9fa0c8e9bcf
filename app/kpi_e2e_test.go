package app_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite app/testdata golden files")

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./app -run KPI -update-golden)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// kpiClock is 09:30 on Monday 2026-11-23 in Shanghai: the morning summary's slot.
func kpiClock() time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 11, 23, 9, 30, 0, 0, loc)
}

// lastBot returns the last bot message in a console chat.
func (r *running) lastBot(chat string) string {
	r.t.Helper()
	r.drain()
	var page struct{ Messages []message }
	r.get("/console/api/messages?chat_id="+chat, &page)
	for i := len(page.Messages) - 1; i >= 0; i-- {
		if m := page.Messages[i]; m.From == "bot" {
			return m.Markdown + m.Text
		}
	}
	return ""
}

func (r *running) runJob(name, team string, slot time.Time) {
	r.t.Helper()
	j, err := r.app.Jobs.Get(name)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := j.Fn(context.Background(), jobs.Run{TeamID: team, Slot: slot}); err != nil {
		r.t.Fatalf("job %s: %v", name, err)
	}
}

func TestKPISummaryAndCommandsThroughConsole(t *testing.T) {
	now := kpiClock()
	r := startWith(t, demoConfig(t), app.Options{Now: func() time.Time { return now }})

	// The morning summary of yesterday's demo figures.
	r.runJob("daily-summary", "presale", now)
	summary := r.lastBot("presale")
	goldenFile(t, "daily-summary.golden", summary)
	for _, want := range []string{"售前组 昨日战报 · 11月22日 周日", "今日之星", "本月至今（11月1日–22日）"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q", want)
		}
	}

	// Figures the summary shows match the store's own aggregate.
	day, err := kpi.NewRepo(r.app.Store).Day(context.Background(), "presale", "2026-11-22")
	if err != nil || day.Total.Records == 0 {
		t.Fatalf("demo history has no 2026-11-22: %v", err)
	}
	sat, _ := day.Total.Satisfaction()
	if want := fmt.Sprintf("满意率 %.1f%%", sat*100); !strings.Contains(summary, want) {
		t.Errorf("summary does not show the day's satisfaction: %s", want)
	}

	goldenFile(t, "kpi-self.golden", r.ask("presale", "xiaowang", "/kpi"))
	goldenFile(t, "kpi-team.golden", r.ask("presale", "chen", "/kpi team 上月"))
	if got := r.ask("presale", "chen", "/kpi @小王 上月"); !strings.Contains(got, "小王 的 KPI") || !strings.Contains(got, "上月（2026年10月）") {
		t.Errorf("supervisor /kpi @小王 上月: %s", got)
	}
	if got := r.ask("presale", "xiaowang", "/kpi @小李"); !strings.Contains(got, "只有主管") {
		t.Errorf("an agent must not see another agent's KPI: %s", got)
	}
	if got := r.ask("presale", "xiaowang", "/kpi @小王"); !strings.Contains(got, "小王 的 KPI") {
		t.Errorf("an agent may name themself: %s", got)
	}
	if got := r.ask("presale", "chen", "/kpi @路人甲"); !strings.Contains(got, "没有找到") {
		t.Errorf("unknown name: %s", got)
	}
	if got := r.ask("presale", "xiaowang", "/kpi 2026-13"); !strings.Contains(got, "无法识别") {
		t.Errorf("bad period: %s", got)
	}
	if got := r.ask("presale", "xiaowang", "/kpi 2025-01"); !strings.Contains(got, "暂无数据") {
		t.Errorf("a period without data: %s", got)
	}
}

func TestKPINoDataRemindsSupervisorAndAlertsOnce(t *testing.T) {
	var clock atomic.Pointer[time.Time]
	seeded := kpiClock()
	clock.Store(&seeded)
	r := startWith(t, demoConfig(t), app.Options{Now: func() time.Time { return *clock.Load() }})
	now := kpiClock().AddDate(0, 0, 2) // the demo history ends two days before "yesterday"
	clock.Store(&now)
	before := r.lastBot("presale")
	r.runJob("daily-summary", "presale", now)
	if got := r.lastBot("presale"); got != before {
		t.Errorf("no data: nothing may be posted in the group, got %q", got)
	}
	if got := r.lastBot("inbox:chen"); !strings.Contains(got, "还没有 11月24日 的客服数据") || !strings.Contains(got, "banzu import kpi") {
		t.Errorf("the supervisor should be reminded to import: %q", got)
	}

	// A day with three times the usual bad reviews raises a red alert, once.
	repo := kpi.NewRepo(r.app.Store)
	var recs []kpi.Record
	for _, id := range []string{"xiaozhou", "xiaozheng", "afang"} {
		rec := kpi.Record{Team: "aftersale", Date: "2026-11-24", Agent: id, Source: "test"}
		rec.Set(kpi.Served, kpi.QExact, 100, 0)
		rec.Set(kpi.Ratings, kpi.QExact, 40, 0)
		rec.Set(kpi.Satisfied, kpi.QExact, 28, 40)
		rec.Set(kpi.Dissatisfied, kpi.QExact, 10, 40)
		recs = append(recs, rec)
	}
	if err := repo.PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	r.runJob("kpi-alerts", "aftersale", now)
	alert := r.lastBot("aftersale")
	if !strings.Contains(alert, "🔴") || !strings.Contains(alert, "差评率 25.0%（30/120）") {
		t.Fatalf("red alert: %q", alert)
	}
	r.runJob("kpi-alerts", "aftersale", now.Add(time.Hour))
	var page struct{ Messages []message }
	r.get("/console/api/messages?chat_id=aftersale", &page)
	n := 0
	for _, m := range page.Messages {
		if strings.Contains(m.Markdown, "差评预警") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d alerts posted for one team and day, want 1", n)
	}
	// The presale team's ordinary day raises nothing.
	before = r.lastBot("presale")
	r.runJob("kpi-alerts", "presale", kpiClock())
	if got := r.lastBot("presale"); got != before {
		t.Errorf("an ordinary day raised an alert: %q", got)
	}
}
