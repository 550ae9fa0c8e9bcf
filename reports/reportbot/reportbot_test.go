package reportbot_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/reports/reportbot"
)

// firstOfMonth is 09:00 on 2026-12-01 in Shanghai: the monthly job's slot.
func firstOfMonth() time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 12, 1, 9, 0, 0, 0, loc)
}

func rig(t *testing.T, withData bool) (*bottest.Rig, *jobs.Job) {
	r := bottest.New(t, bottest.At(firstOfMonth()))
	repo := kpi.NewRepo(r.Store)
	if withData {
		var recs []kpi.Record
		for _, tm := range r.Dir.Teams() {
			var agents []kpi.DemoAgent
			for _, m := range tm.Members {
				if r.Dir.RoleOf(m) == bot.RoleAgent {
					agents = append(agents, kpi.DemoAgent{ID: m.ID})
				}
			}
			recs = append(recs, kpi.DemoRecords(tm.ID, agents, firstOfMonth().AddDate(0, 0, -1), 45)...)
		}
		if err := repo.PutBatch(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
	}
	m := &reportbot.Monthly{Builder: &reports.Builder{KPI: repo, Now: r.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TmpDir: t.TempDir()}}
	r.Start()
	return r, m.Job(r.Bot)
}

func run(t *testing.T, r *bottest.Rig, j *jobs.Job) {
	t.Helper()
	if err := j.Fn(context.Background(), jobs.Run{Slot: firstOfMonth()}); err != nil {
		t.Fatalf("%s: %v", j.Name, err)
	}
	r.Drain()
}

func TestMonthlySendsEachManagerAWorkbook(t *testing.T) {
	r, j := rig(t, true)
	if j.Name != "report-monthly" || j.PerTeam {
		t.Errorf("job %q (per team %v), want the company-wide report-monthly", j.Name, j.PerTeam)
	}
	run(t, r, j)
	got := r.Messages("inbox:zhao", 0)
	if len(got) != 2 {
		t.Fatalf("the manager got %d messages, want a note and a file", len(got))
	}
	if txt := bottest.Text(got[0]); !strings.Contains(txt, "赵经理，这是 2026年11月 的月度报表（售前组、售后组），请查收附件。") {
		t.Errorf("note = %q", txt)
	}
	f := got[1].File
	wantName := reportbot.FileName("售前组、售后组", period.Month(time.Date(2026, 11, 1, 0, 0, 0, 0, r.Cfg.Location())))
	if f == nil || f.Name != wantName || wantName != "班组报表_售前组_售后组_2026-11-01_2026-11-30.xlsx" {
		t.Fatalf("file entry = %+v, want %s", f, wantName)
	}
	// The file is a workbook of November's data.
	id := strings.Split(strings.TrimPrefix(f.URL, "/console/files/"), "/")[0]
	file, err := r.Console.File(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(file.Data))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer wb.Close()
	if idx, err := wb.GetSheetIndex(reports.SheetOverview); err != nil || idx < 0 {
		t.Errorf("no %s sheet: %v", reports.SheetOverview, wb.GetSheetList())
	}
	// Only managers get it.
	for _, id := range []string{"chen", "lin", "xiaowang"} {
		if got := r.Messages("inbox:"+id, 0); len(got) != 0 {
			t.Errorf("%s got %q", id, bottest.Text(got[0]))
		}
	}
	for _, chat := range []string{"presale", "aftersale"} {
		if got := r.Messages(chat, 0); len(got) != 0 {
			t.Errorf("the %s group got %q", chat, bottest.Text(got[0]))
		}
	}
}

func TestMonthlyWithoutDataSaysSo(t *testing.T) {
	r, j := rig(t, false)
	run(t, r, j)
	got := r.Messages("inbox:zhao", 0)
	if len(got) != 1 || got[0].File != nil || !strings.Contains(bottest.Text(got[0]), "售前组、售后组 这个月没有 KPI 数据，所以没有生成报表") {
		t.Fatalf("the manager should be told there is no data, got %d messages", len(got))
	}
}

func TestReportTeamAndTeamNames(t *testing.T) {
	r := bottest.New(t)
	pre := r.Dir.Team("presale")
	rt := reportbot.ReportTeam(r.Dir, pre)
	agents := 0
	for _, m := range rt.Members {
		if m.Agent {
			agents++
		}
		if (m.ID == "chen" || m.ID == "zhao") && m.Agent {
			t.Errorf("%s counted as an agent", m.ID)
		}
	}
	if rt.ID != "presale" || rt.Name != "售前组" || agents != 8 {
		t.Errorf("report team %s %s with %d agents, want presale 售前组 with 8", rt.ID, rt.Name, agents)
	}
	teams := []*bot.Team{pre, pre, pre, pre}
	if got := reportbot.TeamNames(teams); got != "售前组、售前组、售前组等 4 个团队" {
		t.Errorf("TeamNames = %q", got)
	}
}
