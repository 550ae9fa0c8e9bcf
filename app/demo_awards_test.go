package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
)

// startWithoutDemoAwards is startWith without the demo's recognition (last
// month's ceremony, a 委屈奖, a mentoring pair), for tests that grant
// awards themselves and expect an empty recognition ledger.
func startWithoutDemoAwards(t *testing.T, cfg *config.Config, opts app.Options) *running {
	t.Helper()
	return startSeeded(t, cfg, opts, func(s demo.Seeder) bool { return s.Name != "awards" })
}

// The demo shows recognition: last month's ceremony decided from the seeded
// KPI history (one post per team), a 委屈奖 from 陈主管 and a mentoring
// pair; seeding again, or after a restart, adds nothing.
func TestDemoSeedsRecognition(t *testing.T) {
	now := kpiClock() // 2026-11-23: the demo history covers 2026-09-24 … 11-22
	cfg := demoConfig(t)
	r := startWith(t, cfg, app.Options{Now: func() time.Time { return now }})

	for chat, name := range map[string]string{"presale": "售前组", "aftersale": "售后组"} {
		if n := r.countBot(chat, name+" 2026年10月 月度荣誉榜"); n != 1 {
			t.Errorf("%s: %d ceremony posts, want 1", chat, n)
		}
		if n := r.countBot(chat, "委屈奖"); n != 0 {
			t.Errorf("%s: the demo's hand-given awards are recorded silently, got %d posts", chat, n)
		}
	}
	post := r.lastBot("presale")
	if !strings.Contains(post, "🌟 **服务之星**：") || !strings.Contains(post, "综合得分") {
		t.Errorf("ceremony post: %s", post)
	}
	// The welcome comes first, the ceremony after it.
	var page struct{ Messages []message }
	r.get("/console/api/messages?chat_id=presale", &page)
	welcome, ceremony := -1, -1
	for i, m := range page.Messages {
		switch {
		case strings.Contains(m.Markdown, "大家好，我是"):
			welcome = i
		case strings.Contains(m.Markdown, "月度荣誉榜"):
			ceremony = i
		}
	}
	if welcome < 0 || ceremony < welcome {
		t.Errorf("welcome at %d, ceremony at %d", welcome, ceremony)
	}

	// 服务之星 of October shows in the winner's /badges.
	star := strings.TrimSpace(between(post, "🌟 **服务之星**：", "\n"))
	if star == "" || strings.Contains(star, "空缺") {
		t.Fatalf("no 服务之星 in %s", post)
	}
	if got := r.ask("presale", "chen", "/badges @"+star); !strings.Contains(got, "2026年10月服务之星") {
		t.Errorf("/badges @%s: %s", star, got)
	}
	if got := r.ask("presale", "xiaoli", "/badges"); !strings.Contains(got, "🎖 特别奖：委屈奖（2026-10-18）") {
		t.Errorf("小李's /badges should list the 委屈奖: %s", got)
	}
	if got := r.ask("presale", "ajie", "/badges"); !strings.Contains(got, "白银：已带出 0/3") || !strings.Contains(got, "小王") {
		t.Errorf("阿杰 mentors 小王: %s", got)
	}
	// The demo's default targets are strict: nobody has bronze yet.
	if got := r.ask("presale", "xiaowang", "/badges"); !strings.Contains(got, "青铜：已连续") {
		t.Errorf("小王's /badges: %s", got)
	}

	// This month's points: the title winners lead.
	board := r.ask("presale", "xiaowang", "/leaderboard points")
	if !strings.Contains(board, "售前组 总积分排行榜 · 本月至今（11月1日–23日）") || !strings.Contains(board, "🥇") || strings.Contains(board, "暂无数据") {
		t.Errorf("points board: %s", board)
	}
	if boardPoints(t, board, star) <= 0 {
		t.Errorf("%s has no points for 服务之星: %s", star, board)
	}
	october := r.ask("presale", "xiaowang", "/leaderboard 上月 points")
	if boardPoints(t, october, "小李") < 500 {
		t.Errorf("小李's 委屈奖 is worth 500 points in October: %s", october)
	}

	// Seeding again adds nothing, even when the awards marker is lost (a
	// failed run is retried): the grants are idempotent.
	ctx := context.Background()
	granted, points := ledgerLen(t, r.app.Store, "recognition"), ledgerLen(t, r.app.Store, "points")
	if err := demo.Seed(ctx, r.app.Store, r.app.Bot, r.app.DemoSeeders()); err != nil {
		t.Fatal(err)
	}
	if err := r.app.Store.Delete(ctx, "demo.seeded", "awards"); err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, r.app.Store, r.app.Bot, r.app.DemoSeeders()); err != nil {
		t.Fatal(err)
	}
	if g, p := ledgerLen(t, r.app.Store, "recognition"), ledgerLen(t, r.app.Store, "points"); g != granted || p != points {
		t.Errorf("seeding again added entries: recognition %d→%d, points %d→%d", granted, g, points, p)
	}
	if n := r.countBot("presale", "月度荣誉榜"); n != 1 {
		t.Errorf("%d ceremony posts after seeding again, want 1", n)
	}

	// A restart on the same data directory seeds nothing more either.
	r.close()
	cfg2 := demoConfig(t)
	cfg2.DataDir = cfg.DataDir
	r2 := startWith(t, cfg2, app.Options{Now: func() time.Time { return now }})
	if g := ledgerLen(t, r2.app.Store, "recognition"); g != granted {
		t.Errorf("restart: recognition %d→%d", granted, g)
	}
	if n := r2.countBot("presale", "月度荣誉榜"); n != 1 {
		t.Errorf("%d ceremony posts after a restart, want 1", n)
	}
}

// Seeders run after those they build on, otherwise in registration order.
func TestDemoSeedersOrder(t *testing.T) {
	a, err := app.New(context.Background(), demoConfig(t), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ordered, err := demo.Order(a.DemoSeeders())
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]int{}
	for i, s := range ordered {
		at[s.Name] = i
	}
	for _, dep := range []string{"welcome", "kpi-history", "knowledge"} {
		if _, ok := at[dep]; !ok || at[dep] > at["awards"] {
			t.Errorf("awards must run after %s: %v", dep, at)
		}
	}
}
