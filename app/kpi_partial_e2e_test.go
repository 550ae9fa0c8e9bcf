package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
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
	// /report ran in the handler and left nothing in banzu's temp folder.
	if entries, _ := os.ReadDir(r.app.TempDir()); len(entries) != 0 {
		t.Errorf("/report left %d temporary files", len(entries))
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

// failingKPIStore fails writes of KPI records while fail is set.
type failingKPIStore struct {
	store.Store
	fail atomic.Bool
}

func (s *failingKPIStore) PutBatch(ctx context.Context, coll string, items []store.KV) error {
	if coll == kpi.Collection && s.fail.Load() {
		return errors.New("disk full")
	}
	return s.Store.PutBatch(ctx, coll, items)
}

// An API import whose write fails answers 500 (retry), not 200 or 400, and
// leaves the month marked partial until the retry succeeds.
func TestAPIImportStoreFailureIsPartialUntilRetried(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // checked by kpiNoTempFiles
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.API.Token = "s3cret"
	cfg.Console.AllowedHosts = []string{"example.com"} // httptest's requests name this host
	demo.Apply(cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	inner, err := app.OpenStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	st := &failingKPIStore{Store: inner}
	a, err := app.New(context.Background(), cfg, app.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var csv bytes.Buffer
	if err := kpi.WriteSampleFeigeMonths(&csv, 240, []string{"小王", "小李", "阿强", "晓雯", "大刘", "小美", "莉莉", "阿杰"},
		time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 1); err != nil {
		t.Fatal(err)
	}
	file := kpiPart{name: "file", file: "飞鸽9月.csv", body: csv.Bytes()}
	repo := kpi.NewRepo(inner)

	st.fail.Store(true)
	code, resp := kpiUpload(t, a, "Bearer s3cret", file, kpiField("team", "presale"))
	if code != http.StatusInternalServerError || resp.OK || !strings.Contains(resp.Error, "disk full") {
		t.Fatalf("failed write: %d %+v, want 500", code, resp)
	}
	states, err := repo.Incomplete(context.Background(), "presale", "2026-09-01", "2026-09-30")
	if err != nil || len(states) != 1 || !states[0].Partial || states[0].File != "飞鸽9月.csv" {
		t.Fatalf("after the failure: %+v %v, want September partial", states, err)
	}

	st.fail.Store(false)
	if code, resp = kpiUpload(t, a, "Bearer s3cret", file, kpiField("team", "presale")); code != http.StatusOK || !resp.OK {
		t.Fatalf("retry: %d %+v", code, resp)
	}
	if states, err = repo.Incomplete(context.Background(), "presale", "2026-09-01", "2026-09-30"); err != nil || len(states) != 0 {
		t.Fatalf("after the retry: %+v %v, want complete", states, err)
	}
	kpiNoTempFiles(t, a)
}
