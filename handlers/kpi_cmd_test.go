package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/kpi/kpibot"
)

// kpiMorning is 09:30 on Monday 2026-11-23 in Shanghai.
func kpiMorning() time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 11, 23, 9, 30, 0, 0, loc)
}

// kpiRig is a started rig with /kpi and 60 days of demo KPI history up to
// the day before kpiMorning().
func kpiRig(t *testing.T) *bottest.Rig {
	r := bottest.New(t, bottest.At(kpiMorning()))
	repo := kpi.NewRepo(r.Store)
	r.Seed((&kpibot.KPI{Repo: repo}).DemoSeeder(r.Clock.Now))
	r.Add((&handlers.KPI{Repo: repo, Targets: r.Cfg.Targets, Weights: r.Cfg.KPI.StarWeights}).Command())
	r.Start()
	return r
}

// wantIn fails the test unless got contains every one of want.
func wantIn(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestKPICommandOwnAndOthers(t *testing.T) {
	r := kpiRig(t)
	// An agent's own card: yesterday and the month to date.
	wantIn(t, "/kpi", r.Ask("presale", "xiaowang", "/kpi"), "小王 的 KPI", "昨天（11月22日）", "本月")
	wantIn(t, "/kpi 上月", r.Ask("presale", "xiaowang", "/kpi 上月"), "小王 的 KPI", "上月（2026年10月）")
	// Another agent's only for supervisors.
	wantIn(t, "agent /kpi @小李", r.Ask("presale", "xiaowang", "/kpi @小李"), "只有主管可以查看其他人的 KPI")
	wantIn(t, "agent names self", r.Ask("presale", "xiaowang", "/kpi @小王"), "小王 的 KPI")
	wantIn(t, "supervisor /kpi @小王 上月", r.Ask("presale", "chen", "/kpi @小王 上月"), "小王 的 KPI", "上月（2026年10月）")
	// A supervisor has no card of their own.
	wantIn(t, "supervisor /kpi", r.Ask("presale", "chen", "/kpi"), "你是主管，没有个人 KPI", "/kpi team")
}

func TestKPICommandBadInput(t *testing.T) {
	r := kpiRig(t)
	wantIn(t, "unknown name", r.Ask("presale", "chen", "/kpi @路人甲"), "没有找到“路人甲”")
	wantIn(t, "bad period", r.Ask("presale", "xiaowang", "/kpi 2026-13"), "无法识别")
	wantIn(t, "no data", r.Ask("presale", "xiaowang", "/kpi 2025-01"), "暂无数据")
	wantIn(t, "bad team period", r.Ask("presale", "chen", "/kpi team 2026-13"), "无法识别")
}

func TestKPICommandTeamInGroupAndPrivately(t *testing.T) {
	r := kpiRig(t)
	got := r.Ask("presale", "xiaowang", "/kpi team 上月")
	wantIn(t, "/kpi team 上月", got, "售前组", "上月（2026年10月）")
	if strings.Contains(got, "以下是") {
		t.Errorf("a one-team member is told which team it is:\n%s", got)
	}
	// A group shows its own team only.
	wantIn(t, "other team in a group", r.Ask("presale", "zhao", "/kpi team 售后组"), "群里只能查看本群团队的 KPI")
	// In a private chat the manager of two teams names one, or is told which.
	priv := r.Ask("inbox:zhao", "zhao", "/kpi team 售后组 上月")
	wantIn(t, "private /kpi team 售后组", priv, "售后组", "上月（2026年10月）")
	if strings.Contains(priv, "售前组") {
		t.Errorf("the named team's answer mentions the other team:\n%s", priv)
	}
	// Answers stay where they were asked.
	for _, s := range r.BotSaid("presale") {
		if strings.Contains(s, "售后组") && !strings.Contains(s, "群里只能") {
			t.Errorf("the private answer reached the group: %q", s)
		}
	}
}

// One person's figures (and misses) are theirs and their supervisor's: asked
// in the group, the card is shown to the asker alone.
func TestKPICommandPersonalCardsArePrivateInTheGroup(t *testing.T) {
	r := kpiRig(t)
	wantIn(t, "agent /kpi", r.Ask("presale", "xiaowang", "/kpi"), "小王 的 KPI")
	wantIn(t, "supervisor /kpi @小李", r.Ask("presale", "chen", "/kpi @小李"), "小李 的 KPI")
	for _, s := range r.BotSaid("presale") {
		if strings.Contains(s, "的 KPI") {
			t.Errorf("a personal KPI card reached the whole group: %q", s)
		}
	}
	for _, e := range r.View("presale", "xiaoli", 0) {
		if e.From == "bot" && strings.Contains(bottest.Text(e), "的 KPI") {
			t.Errorf("小李 sees a personal card in the group: %q", bottest.Text(e))
		}
	}
	// The team's figures are the team's: /kpi team stays public.
	r.Ask("presale", "chen", "/kpi team 上月")
	public := false
	for _, s := range r.BotSaid("presale") {
		public = public || strings.Contains(s, "售前组")
	}
	if !public {
		t.Error("/kpi team was not posted to the group")
	}
}

// A promotion does not re-judge the past: last month is held to the targets
// of the level held then, this month to the new one.
func TestKPICommandJudgesThePastAtItsLevel(t *testing.T) {
	r := kpiRig(t)
	ctx := context.Background()
	if _, err := growth.Set(ctx, r.Store, growth.Change{Member: "xiaowang", Team: "presale", To: growth.LevelSenior, By: "zhao", At: r.Clock.Now().AddDate(0, 0, -3)}, growth.LevelAgent); err != nil {
		t.Fatal(err)
	}
	if err := r.Dir.SetLevel(ctx, "xiaowang", growth.LevelSenior); err != nil {
		t.Fatal(err)
	}
	last := r.Ask("presale", "xiaowang", "/kpi 上月")
	wantIn(t, "/kpi 上月 after the promotion", last, "小王 的 KPI", "上月（2026年10月）")
	if strings.Contains(last, "资深") {
		t.Errorf("October is judged at the level reached in November:\n%s", last)
	}
	wantIn(t, "/kpi after the promotion", r.Ask("presale", "xiaowang", "/kpi"), "资深")
}
