package handlers_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/kpi/kpibot"
	"github.com/banzu-bot/banzu/platform/console"
	"github.com/banzu-bot/banzu/reports"
)

// reportRig is a started rig with /report and 60 days of demo KPI history
// up to the day before kpiMorning().
func reportRig(t *testing.T) *bottest.Rig {
	r := bottest.New(t, bottest.At(kpiMorning()))
	repo := kpi.NewRepo(r.Store)
	r.Seed((&kpibot.KPI{Repo: repo}).DemoSeeder(r.Clock.Now))
	b := &reports.Builder{KPI: repo, Now: r.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TmpDir: t.TempDir()}
	r.Add((&handlers.Report{Builder: b}).Command())
	r.Start()
	return r
}

// reportFiles lists the files the bot sent into chat after message id after.
func reportFiles(r *bottest.Rig, chat string, after int64) []*console.FileRef {
	var out []*console.FileRef
	for _, e := range r.Messages(chat, after) {
		if e.From == "bot" && e.File != nil {
			out = append(out, e.File)
		}
	}
	return out
}

func TestReportCommandSendsTheTeamWorkbook(t *testing.T) {
	r := reportRig(t)
	after := r.Say("presale", "chen", "/report 上月")
	r.Drain()
	var texts []string
	for _, e := range r.Messages("presale", after) {
		if e.From == "bot" && e.File == nil {
			texts = append(texts, bottest.Text(e))
		}
	}
	if len(texts) != 1 {
		t.Fatalf("%d notes, want 1: %q", len(texts), texts)
	}
	wantIn(t, "/report 上月", texts[0], "正在生成 售前组 · 上月（2026年10月） 的报表")
	files := reportFiles(r, "presale", after)
	if len(files) != 1 || files[0].Name != "班组报表_售前组_2026-10-01_2026-10-31.xlsx" || files[0].Size == 0 {
		t.Fatalf("files in the group = %+v", files)
	}
	// One agent's.
	after = r.Say("presale", "chen", "/report 小王 上月")
	r.Drain()
	if files := reportFiles(r, "presale", after); len(files) != 1 || files[0].Name != "班组报表_小王_售前组_2026-10-01_2026-10-31.xlsx" {
		t.Errorf("one agent's workbook = %+v", files)
	}
}

func TestReportCommandRefusals(t *testing.T) {
	r := reportRig(t)
	wantIn(t, "agent /report", r.Ask("presale", "xiaowang", "/report"), "抱歉，/report 仅限主管及以上角色使用")
	wantIn(t, "supervisor /report all", r.Ask("presale", "chen", "/report all 上月"), "只有经理可以生成全部团队的报表")
	wantIn(t, "bad period", r.Ask("presale", "chen", "/report 2026-13"), "无法识别", "/report [2026-10")
	wantIn(t, "unknown name", r.Ask("presale", "chen", "/report 路人甲"), "没有找到“路人甲”")
	wantIn(t, "two agents", r.Ask("presale", "chen", "/report 小王 小李"), "一次只能生成一位客服的报表")
	after := r.Say("presale", "chen", "/report 2025-01")
	r.Drain()
	var said []string
	for _, e := range r.View("presale", "chen", after) {
		said = append(said, bottest.Text(e))
	}
	wantIn(t, "no data", strings.Join(said, "\n"), "正在生成 售前组 · 2025年1月 的报表", "售前组 在 2025年1月（2025-01-01 至 2025-01-31）没有 KPI 数据，无法生成报表")
	if files := reportFiles(r, "presale", 0); len(files) != 0 {
		t.Errorf("a refused /report sent %d files", len(files))
	}
}

func TestReportCommandPrivateTeamNamed(t *testing.T) {
	r := reportRig(t)
	after := r.Say("inbox:zhao", "zhao", "/report 售后组 上月")
	r.Drain()
	files := reportFiles(r, "inbox:zhao", after)
	if len(files) != 1 || files[0].Name != "班组报表_售后组_2026-10-01_2026-10-31.xlsx" {
		t.Fatalf("files in the manager's private chat = %+v", files)
	}
	for _, chat := range []string{"presale", "aftersale"} {
		if got := r.Messages(chat, 0); len(got) != 0 {
			t.Errorf("a private /report wrote into %s: %q", chat, bottest.Text(got[0]))
		}
	}
	// The manager may ask for every team.
	after = r.Say("inbox:zhao", "zhao", "/report all 上月")
	r.Drain()
	if files := reportFiles(r, "inbox:zhao", after); len(files) != 1 || !strings.Contains(files[0].Name, "售前组_售后组") {
		t.Errorf("/report all = %+v", files)
	}
	wantIn(t, "two teams named", r.Ask("inbox:zhao", "zhao", "/report 售前组 售后组"), "一次只能生成一个团队的报表")
}
