package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store/embedded"
)

const reportSamples = "../../../shared/samples"

// overviewFigures reads 概览's figures: team -> title -> raw value.
func overviewFigures(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(reports.SheetOverview, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows {
		if len(r) < 3 || r[1] == "" || r[1] == "指标" {
			continue
		}
		if out[r[0]] == nil {
			out[r[0]] = map[string]string{}
		}
		out[r[0]][r[1]] = r[2]
	}
	return out
}

func TestReportCLIOnSamples(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(reportSamples, "expected-month.json"))
	if err != nil {
		t.Skipf("samples not found: %v", err)
	}
	var want struct {
		Month map[string]map[string]float64 `json:"month"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := []string{"BANZU_DATA_DIR=" + dir}
	args := []string{"import", "kpi", "--demo", "--team", "presale"}
	for _, f := range []string{"chitu-presales-daily.xlsx", "chitu-ratings-daily.csv"} {
		args = append(args, filepath.Join(reportSamples, f))
	}
	if code, out, errOut := runCLI(t, env, args...); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}

	out := filepath.Join(dir, "oct.xlsx")
	code, stdout, errOut := runCLI(t, env, "report", "--demo", "--team", "售前组", "--month", "2026-10", "-o", out)
	if code != 0 || !strings.Contains(stdout, "8 位客服，31 天，248 条日数据") {
		t.Fatalf("report: %d %q %q", code, stdout, errOut)
	}
	figs := overviewFigures(t, out)["售前组"]
	for fig, title := range map[string]string{"Served": "接待人数", "Sales": "销售额", "Satisfaction": "满意率", "FirstResp": "首次响应时间", "Conversion": "询单转化率"} {
		got, err := strconv.ParseFloat(figs[title], 64)
		if w := want.Month["TEAM"][fig]; err != nil || math.Abs(got-w) > 1e-9*math.Max(1, w) {
			t.Errorf("%s = %q, want %v", title, figs[title], w)
		}
	}

	// --from/--to, one agent, default file name in the working directory.
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(dir)
	code, stdout, errOut = runCLI(t, env, "report", "--demo", "--team", "presale", "--from", "2026-10-01", "--to", "2026-10-15", "--agent", "小王")
	if code != 0 || !strings.Contains(stdout, "1 位客服，15 天，15 条日数据") {
		t.Fatalf("report --from/--to --agent: %d %q %q", code, stdout, errOut)
	}
	name := "班组报表_小王_售前组_2026-10-01_2026-10-15.xlsx"
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("default file name: %v (stdout %q)", err, stdout)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--month", "2026-10", "--from", "2026-10-01"}, "只能选一种"},
		{[]string{"--from", "2026-10-01"}, "一起使用"},
		{[]string{"--month", "十月"}, "无法识别"},
		{[]string{"--team", "nosuch"}, "没有团队"},
		// --demo seeds the demo history (as serve --demo does), so a month
		// before it has no data.
		{[]string{"--team", "aftersale", "--month", "2025-01"}, "没有 KPI 数据"},
	} {
		code, _, errOut := runCLI(t, env, append([]string{"report", "--demo"}, c.args...)...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("report %v: %d %q, want %q", c.args, code, errOut, c.want)
		}
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, ".banzu-report-*")); len(entries) > 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// bigCompany writes a config with one team of n agents and a month of KPI
// data for them into dir, and returns the config path.
func bigCompany(tb testing.TB, dir string, n int) string {
	tb.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir: %s\nteams:\n  - id: big\n    name: 大团队\n    members:\n", dir)
	agents := make([]kpi.DemoAgent, n)
	for i := range n {
		id := fmt.Sprintf("a%03d", i+1)
		level := "agent"
		if i%4 == 0 {
			level = "senior"
		}
		fmt.Fprintf(&b, "      - {id: %s, name: 客服%03d, role: agent, level: %s}\n", id, i+1, level)
		agents[i] = kpi.DemoAgent{ID: id, Senior: level == "senior"}
	}
	path := filepath.Join(dir, "banzu.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	st, err := embedded.Open(filepath.Join(dir, "banzu.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	recs := kpi.DemoRecords("big", agents, time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), 31)
	// The demo leaves a day off now and then; fill every agent-day so the
	// month is exactly n × 31.
	full := make([]kpi.Record, 0, n*31)
	have := map[string]bool{}
	for _, r := range recs {
		have[r.Agent+r.Date] = true
		full = append(full, r)
	}
	for _, r := range recs {
		for d := 1; d <= 31; d++ {
			date := fmt.Sprintf("2026-10-%02d", d)
			if !have[r.Agent+date] {
				c := r
				c.Date = date
				have[r.Agent+date] = true
				full = append(full, c)
			}
		}
	}
	repo := kpi.NewRepo(st)
	for i := 0; i < len(full); i += 4096 {
		if err := repo.PutBatch(context.Background(), full[i:min(i+4096, len(full))]); err != nil {
			tb.Fatal(err)
		}
	}
	if len(full) != n*31 {
		tb.Fatalf("%d agent-days, want %d", len(full), n*31)
	}
	return path
}

// BenchmarkReportProcess runs `banzu report` as a whole process on a month of
// 500 agents × 31 days and reports its peak resident memory (peak-MB).
//
//	go test ./cmd/banzu/ -run '^$' -bench ReportProcess -benchtime 5x
func BenchmarkReportProcess(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "banzu")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	cfg := bigCompany(b, dir, 500)
	out := filepath.Join(dir, "big.xlsx")
	var peakKB int64
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "report", "--config", cfg, "--team", "big", "--month", "2026-10", "-o", out)
		cmd.Env = []string{"HOME=" + dir, "TMPDIR=" + dir}
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("banzu report: %v\n%s", err, msg)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peakKB = max(peakKB, ru.Maxrss) // kilobytes on Linux
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peakKB)/1024, "peak-MB")
	if fi, err := os.Stat(out); err == nil {
		b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(reports.SheetDaily)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if n != 1+500*31 {
		b.Fatalf("每日数据 has %d rows, want %d", n, 1+500*31)
	}
}
