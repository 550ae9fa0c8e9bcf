package app_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/store"
)

// countBot counts bot messages in a console chat that contain want.
func (r *running) countBot(chat, want string) int {
	r.t.Helper()
	r.drain()
	var page struct{ Messages []message }
	r.get("/console/api/messages?chat_id="+chat, &page)
	n := 0
	for _, m := range page.Messages {
		if m.From == "bot" && strings.Contains(m.Markdown+m.Text, want) {
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

// steadyAgent adds good August and September figures for an agent, so the
// demo's October completes three months in a row.
func steadyAgent(t *testing.T, st store.Store, team, agent string) {
	t.Helper()
	var recs []kpi.Record
	for d := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC); d.Month() < 10; d = d.AddDate(0, 0, 1) {
		if d.Month() == 9 && d.Day() >= 24 {
			continue // the demo history starts on 2026-09-24
		}
		r := kpi.Record{Team: team, Date: d.Format(time.DateOnly), Agent: agent, Source: "test"}
		r.Set(kpi.Served, kpi.QExact, 100, 0)
		r.Set(kpi.Ratings, kpi.QExact, 40, 0)
		r.Set(kpi.Satisfied, kpi.QExact, 39, 40)
		r.Set(kpi.Dissatisfied, kpi.QExact, 0, 40)
		r.Set(kpi.FirstResp, kpi.QExact, 12*100, 100)
		r.Set(kpi.Resolved, kpi.QExact, 90, 100)
		recs = append(recs, r)
	}
	if err := kpi.NewRepo(st).PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

// awardsConfig is the demo with a company's own, simpler targets: a month
// meets KPI at 85% satisfaction (90% for seniors).
func awardsConfig(t *testing.T) *config.Config {
	cfg := demoConfig(t)
	cfg.Targets = config.Targets{"agent": {"satisfaction_min": 0.85}, "senior": {"satisfaction_min": 0.9}}
	return cfg
}

func TestAwardsCeremonyOnceThroughConsole(t *testing.T) {
	now := kpiClock() // 2026-11-23: the demo history covers 2026-09-24 … 11-22
	r := startWithoutDemoAwards(t, awardsConfig(t), app.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	steadyAgent(t, r.app.Store, "presale", "daliu")
	// An approval in October, as the knowledge feature records it.
	raw, _ := json.Marshal(map[string]any{"member": "xiaoli", "team": "presale", "points": 10, "reason": "knowledge_approved",
		"source": "knowledge", "ref": "knowledge:presale:99", "at": time.Date(2026, 10, 15, 14, 0, 0, 0, now.Location())})
	if _, _, err := r.app.Store.Append(ctx, "points", "test/knowledge/99", raw); err != nil {
		t.Fatal(err)
	}

	slot := time.Date(2026, 11, 1, 10, 0, 0, 0, now.Location())
	r.runJob("awards-ceremony", "presale", slot)
	post := r.lastBot("presale")
	goldenFile(t, "awards-ceremony.golden", post)
	for _, want := range []string{"售前组 2026年10月 月度荣誉榜", "🌟 **服务之星**：", "综合得分", "📚 **知识贡献王**：小李", "审核通过知识 1 条",
		"🥉 青铜勋章：大刘", "🛟 **挽单能手**：本月空缺"} {
		if !strings.Contains(post, want) {
			t.Errorf("ceremony post lacks %q", want)
		}
	}
	granted := ledgerLen(t, r.app.Store, "recognition")
	points := ledgerLen(t, r.app.Store, "points")

	// Again, and on a second replica sharing the store: nothing more.
	r.runJob("awards-ceremony", "presale", slot)
	replica, err := app.New(ctx, awardsConfig(t), app.Options{Store: r.app.Store, Now: func() time.Time { return now }, Owner: "replica-2"})
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	j, err := replica.Jobs.Get("awards-ceremony")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Fn(ctx, jobs.Run{TeamID: "presale", Slot: slot}); err != nil {
		t.Fatal(err)
	}
	if n := r.countBot("presale", "月度荣誉榜"); n != 1 {
		t.Errorf("%d ceremony posts, want 1", n)
	}
	if g, p := ledgerLen(t, r.app.Store, "recognition"), ledgerLen(t, r.app.Store, "points"); g != granted || p != points {
		t.Errorf("re-runs added entries: recognition %d→%d, points %d→%d", granted, g, points, p)
	}

	// Badges and progress.
	if got := r.ask("presale", "daliu", "/badges"); !strings.Contains(got, "🥉 青铜：✅ 已获得（2026年10月") {
		t.Errorf("大刘 /badges: %s", got)
	}
	got := r.ask("presale", "xiaowang", "/勋章 @小李")
	if !strings.Contains(got, "**小李 的勋章**") || !strings.Contains(got, "青铜：已连续") || !strings.Contains(got, "/3 个月达标（截至 2026年10月）") {
		t.Errorf("/badges @小李: %s", got)
	}
	if !strings.Contains(got, "2026年10月知识贡献王") {
		t.Errorf("/badges should list 小李's title: %s", got)
	}
}

func TestAwardsCommandsThroughConsole(t *testing.T) {
	now := kpiClock()
	cfg := demoConfig(t)
	cfg.Awards.NewHireDays = 365 // 小美 (2026-04-01) is still new: her six-month reminder is due
	r := startWithoutDemoAwards(t, cfg, app.Options{Now: func() time.Time { return now }})

	// Who may give what, and bad arguments.
	if got := r.ask("presale", "xiaowang", "/award 委屈奖 @小李 辛苦了"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent's /award must be refused: %s", got)
	}
	for _, bad := range []string{"/award 委屈奖", "/award 奖状 @小王 好", "/award 委屈奖 @小王", "/award 委屈奖 @路人甲 好", "/award 伯乐奖 @阿强"} {
		if got := r.ask("presale", "chen", bad); !strings.Contains(got, "用法：/award") {
			t.Errorf("%q should get the usage: %s", bad, got)
		}
	}
	if got := r.ask("presale", "chen", "/award 黄金 @晓雯 流程改进"); !strings.Contains(got, "只能由经理授予") {
		t.Errorf("a supervisor's gold: %s", got)
	}

	grievance := r.ask("presale", "chen", "/award 委屈奖 @小王 面对客户辱骂始终保持专业")
	goldenFile(t, "awards-grievance.golden", grievance)
	seq := between(grievance, "编号 #", "（")
	if seq == "" {
		t.Fatalf("no entry number in %q", grievance)
	}

	// 阿杰 was hired in 2024: not a new hire.
	if got := r.ask("presale", "chen", "/award 伯乐奖 @晓雯 推荐 @阿杰"); !strings.Contains(got, "阿杰 入职于 2024-03-11，已经 987 天，不算新人") {
		t.Errorf("伯乐奖 for an old hand: %s", got)
	}
	referral := r.ask("presale", "chen", "/award 伯乐奖 @阿强 推荐 @小美")
	if !strings.Contains(referral, "推荐 小美 入职，奖金 500 元") || !strings.Contains(referral, "2026-10-01") {
		t.Errorf("伯乐奖: %s", referral)
	}
	if got := r.ask("presale", "chen", "/award 伯乐奖 @大刘 推荐 @小美"); !strings.Contains(got, "每位新人只颁一次") {
		t.Errorf("a second referral for one hire: %s", got)
	}
	// 小美 was hired 2026-04-01: the six-month reminder is due, once.
	r.runJob("awards-reminders", "presale", now)
	r.runJob("awards-reminders", "presale", now.Add(24*time.Hour))
	if n := r.countBot("inbox:chen", "伯乐奖提醒"); n != 1 {
		t.Errorf("%d referral reminders, want 1", n)
	}
	if got := r.lastBot("inbox:chen"); !strings.Contains(got, "阿强 推荐的 小美（2026-04-01 入职）已入职满 6 个月") {
		t.Errorf("reminder: %s", got)
	}

	gold := r.ask("presale", "zhao", "/award 黄金 @晓雯 退款流程改进已在全公司推行")
	if !strings.Contains(gold, "🥇 **黄金勋章** 授予 **晓雯**") || !strings.Contains(gold, "积分 +3000") {
		t.Errorf("gold: %s", gold)
	}
	if got := r.ask("presale", "zhao", "/award 黄金 @晓雯 又一次"); !strings.Contains(got, "已持有黄金勋章") {
		t.Errorf("second gold: %s", got)
	}

	// Revoking keeps the record and takes the points back.
	before := boardPoints(t, r.ask("presale", "xiaowang", "/leaderboard"), "小王")
	if got := r.ask("presale", "xiaowang", "/revoke "+seq+" 误操作"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent's /revoke: %s", got)
	}
	if got := r.ask("presale", "chen", "/revoke abc 误操作"); !strings.Contains(got, "用法：/revoke") {
		t.Errorf("bad number: %s", got)
	}
	revoked := r.ask("presale", "chen", "/revoke "+seq+" 颁错了人")
	if !strings.Contains(revoked, "已撤销 #"+seq+"：小王 的委屈奖") || !strings.Contains(revoked, "积分 -500 已扣回") {
		t.Errorf("revoke: %s", revoked)
	}
	if got := r.ask("presale", "chen", "/revoke "+seq+" 再来"); !strings.Contains(got, "已于") || !strings.Contains(got, "颁错了人") {
		t.Errorf("second revoke: %s", got)
	}

	// Mentoring counts toward silver.
	if got := r.ask("presale", "chen", "/mentor @阿强 @小美"); !strings.Contains(got, "已登记师徒：**阿强** 带教 **小美**") || !strings.Contains(got, "白银：已带出 0/3") {
		t.Errorf("mentor: %s", got)
	}
	if got := r.ask("presale", "chen", "/mentor @阿强 @晓雯"); !strings.Contains(got, "白银：已带出 1/3") || !strings.Contains(got, "晓雯✓") {
		t.Errorf("a mentee with gold holds a star badge: %s", got)
	}
	if got := r.ask("presale", "aqiang", "/badges"); !strings.Contains(got, "青铜：已连续") || !strings.Contains(got, "🥈 白银：已带出 1/3") || !strings.Contains(got, "伯乐奖（2026-11-23）") {
		t.Errorf("阿强 /badges: %s", got)
	}

	// Leaderboards within the team.
	board := r.ask("presale", "xiaowang", "/leaderboard")
	if !strings.Contains(board, "售前组 总积分排行榜 · 本月至今（11月1日–23日）") || !strings.Contains(board, "🥇") || strings.Contains(board, "小周") {
		t.Errorf("points board: %s", board)
	}
	if after := boardPoints(t, board, "小王"); before-after != 500 {
		t.Errorf("小王's points before the revoke %d, after %d: the 委屈奖's 500 should be taken back", before, after)
	}
	kpiBoard := r.ask("presale", "xiaowang", "/排行榜 上月 kpi")
	if !strings.Contains(kpiBoard, "售前组 KPI 综合得分排行榜 · 上月（2026年10月）") || !strings.Contains(kpiBoard, "🥇") || strings.Contains(kpiBoard, "小周") {
		t.Errorf("kpi board: %s", kpiBoard)
	}
	if got := r.ask("presale", "xiaowang", "/leaderboard 本周 knowledge 全公司"); !strings.Contains(got, "仅限经理") {
		t.Errorf("company-wide for an agent: %s", got)
	}
	if got := r.ask("presale", "xiaowang", "/leaderboard 明年"); !strings.Contains(got, "用法：/leaderboard") {
		t.Errorf("bad period: %s", got)
	}
}

// between returns the text between the first from and the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

// boardPoints reads a member's points from a leaderboard line "小王　7,540 分".
func boardPoints(t *testing.T, board, name string) int {
	t.Helper()
	v := between(board, " "+name+"　", " 分")
	n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
	if err != nil {
		t.Fatalf("no points for %s in %s", name, board)
	}
	return n
}
