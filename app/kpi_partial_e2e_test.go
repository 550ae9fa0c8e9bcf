package app_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/tmpdir"
)

// An import of November cut off half-way: /kpi, the daily summary and the
// workbook say so for that team, and only for it.
func TestPartialImportIsShownEverywhere(t *testing.T) {
	now := kpiClock()
	r := startWith(t, demoConfig(t), app.Options{Now: func() time.Time { return now }})
	m := kpi.ImportMarker{Team: "presale", Month: "2026-11", From: "2026-11-01", To: "2026-11-22", File: "飞鸽11月.csv",
		Started: time.Now(), Heartbeat: time.Now(), Host: "elsewhere", PID: 1, Failed: "保存数据失败：disk full"}
	b, _ := json.Marshal(&m)
	if err := r.app.Store.Put(context.Background(), kpi.ImportsCollection, "presale/2026-11/1.elsewhere.1", b); err != nil {
		t.Fatal(err)
	}
	const want = "11月数据导入未完成，请重新导入"

	for _, q := range []struct{ user, text string }{{"xiaowang", "/kpi"}, {"chen", "/kpi team"}, {"chen", "/kpi @小王"}} {
		if got := r.ask("presale", q.user, q.text); !strings.Contains(got, want) || !strings.Contains(got, "飞鸽11月.csv") {
			t.Errorf("%s: %q lacks the notice", q.text, got)
		}
	}
	if got := r.ask("presale", "chen", "/kpi team 上月"); strings.Contains(got, "导入未完成") {
		t.Errorf("October is complete: %q", got)
	}
	if got := r.ask("aftersale", "zhao", "/kpi team"); strings.Contains(got, "导入未完成") {
		t.Errorf("another team's import: %q", got)
	}
	r.runJob("daily-summary", "presale", now)
	if got := r.lastBot("presale"); !strings.Contains(got, want) || !strings.Contains(got, "昨日战报") {
		t.Errorf("daily summary: %q", got)
	}
	msg, _ := r.waitFile("presale", r.postID("presale", "chen", "/report"))
	f := r.download(msg.File.URL)
	if v, _ := f.GetCellValue(reports.SheetOverview, "A4"); !strings.Contains(v, want) {
		t.Errorf("workbook 概览!A4 = %q", v)
	}
	msg, _ = r.waitFile("presale", r.postID("presale", "chen", "/report 上月"))
	f = r.download(msg.File.URL)
	if v, _ := f.GetCellValue(reports.SheetOverview, "A4"); v != "" {
		t.Errorf("October workbook 概览!A4 = %q", v)
	}
}

// Starting banzu clears the temporary files of processes that died, and
// keeps those of running ones.
func TestStartClearsDeadProcessesTempFiles(t *testing.T) {
	cfg := demoConfig(t)
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	dead := filepath.Join(tmpdir.Root(cfg.DataDir), tmpdir.Name(cmd.Process.Pid), "banzu-kpi-spool-1")
	live := filepath.Join(tmpdir.Root(cfg.DataDir), tmpdir.Name(os.Getppid()), "banzu-kpi-upload-1")
	for _, p := range []string{dead, live} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, 1<<20), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a, err := app.New(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("a dead process's spool file survived the start: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a running process's upload was removed: %v", err)
	}
}
