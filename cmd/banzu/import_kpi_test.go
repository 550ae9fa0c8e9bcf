package main

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/store/embedded"
)

const kpiSamplesDir = "../../../shared/samples"

func kpiSample(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(kpiSamplesDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("samples not found: %v", err)
	}
	return p
}

// kpiStored returns every KPI document of the data dir's store.
func kpiStored(t *testing.T, dir string) map[string]string {
	t.Helper()
	path := filepath.Join(dir, "banzu.db")
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return map[string]string{}
	}
	st, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]string{}
	err = st.Scan(context.Background(), kpi.Collection, "", "", func(k string, v []byte) error {
		out[k] = string(v)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func kpiTeamMonth(t *testing.T, dir string) *kpi.Report {
	t.Helper()
	st, err := embedded.Open(filepath.Join(dir, "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := kpi.NewRepo(st).Range(context.Background(), "presale", "2026-10-01", "2026-10-31")
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestImportKPISamplesIntoDemoTeam(t *testing.T) {
	feige, pdd := kpiSample(t, "feige-agent-daily.csv"), kpiSample(t, "pdd-agent-daily.csv")
	dir := t.TempDir()
	env := []string{"BANZU_DATA_DIR=" + dir}
	// Flags before, between and after the files.
	code, out, errOut := runCLI(t, env, "import", "kpi", "--demo", feige, "--team", "presale", pdd)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"✓ feige-agent-daily.csv（抖店飞鸽", "✓ pdd-agent-daily.csv（拼多多",
		"读取 248 行，导入 248 行，跳过 0 行", "写入 248 条客服日数据，日期 2026-10-01 至 2026-10-31（31 天），团队 presale"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "未知客服") || strings.Contains(errOut, "█") {
		t.Errorf("unexpected unknown agents or progress bar (stderr is not a terminal):\n%s\n%s", out, errOut)
	}

	// The month matches expected-month.json for what 飞鸽 carries exactly.
	b, err := os.ReadFile(filepath.Join(kpiSamplesDir, "expected-month.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Month map[string]map[string]float64 `json:"month"`
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	rep := kpiTeamMonth(t, dir)
	if len(rep.Agents) != 8 || rep.Agents["xiaowang"] == nil {
		t.Errorf("agents %v, want the 8 demo presale agents", rep.AgentIDs())
	}
	served, _ := rep.Total.ServedCount()
	conv, _ := rep.Total.Conversion()
	if served != exp.Month["TEAM"]["Served"] || math.Abs(conv-exp.Month["TEAM"]["Conversion"]) > 1e-9 {
		t.Errorf("team served %v conversion %v, want %v and %v", served, conv, exp.Month["TEAM"]["Served"], exp.Month["TEAM"]["Conversion"])
	}
	if got, want := rep.Agents["xiaowang"], exp.Month["小王"]; got != nil {
		if s, _ := got.ServedCount(); s != want["Served"] {
			t.Errorf("小王 served %v, want %v", s, want["Served"])
		}
	}
}

func TestImportKPIDryRunWritesNothing(t *testing.T) {
	feige := kpiSample(t, "feige-agent-daily.csv")
	dir := t.TempDir()
	code, out, errOut := runCLI(t, []string{"BANZU_DATA_DIR=" + dir}, "import", "kpi", feige, "--team", "presale", "--demo", "--dry-run")
	if code != 0 || !strings.Contains(out, "试运行") || !strings.Contains(out, "将写入 248 条") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := kpiStored(t, dir); len(got) != 0 {
		t.Errorf("dry run stored %d records", len(got))
	}
}

func TestImportKPIUnknownTeamAndUsage(t *testing.T) {
	dir := t.TempDir()
	env := []string{"BANZU_DATA_DIR=" + dir}
	f := filepath.Join(dir, "x.csv")
	os.WriteFile(f, []byte("日期,旺旺,接待人数\n"), 0o600)
	code, _, errOut := runCLI(t, env, "import", "kpi", f, "--team", "nope", "--demo")
	if code != 1 || !strings.Contains(errOut, "没有团队“nope”") || !strings.Contains(errOut, "presale（售前组）") || !strings.Contains(errOut, "aftersale（售后组）") {
		t.Errorf("unknown team: exit %d %q", code, errOut)
	}
	code, _, errOut = runCLI(t, env, "import", "kpi", f, "--demo")
	if code != 1 || !strings.Contains(errOut, "请指定导入到哪个团队") {
		t.Errorf("no team: exit %d %q", code, errOut)
	}
	code, _, errOut = runCLI(t, env, "import", "kpi", "--team", "presale")
	if code != 1 || !strings.Contains(errOut, "用法：banzu import kpi") {
		t.Errorf("no file: exit %d %q", code, errOut)
	}
	code, out, errOut := runCLI(t, env, "import", "kpi", filepath.Join(dir, "missing.csv"), "--team", "presale", "--demo")
	if code != 1 || !strings.Contains(out, "找不到文件") || !strings.Contains(errOut, "导入失败") {
		t.Errorf("missing file: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "import", "kpi", f, "--team", "presale", "--demo", "--preset", "taobao")
	if code != 1 || !strings.Contains(out, "未知的导入格式“taobao”") {
		t.Errorf("bad preset: exit %d %q %q", code, out, errOut)
	}
}

func TestImportKPIUnknownAgents(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "ratings.csv")
	os.WriteFile(f, []byte("日期,旺旺,接待人数,很满意,满意,一般,不满意,很不满意\n"+
		"2026-10-01,小王,41,10,4,1,0,0\n"+
		"2026-10-01,张三,30,5,1,0,0,0\n"+
		"2026-10-02,张三,30,5,1,0,0,0\n"+
		"2026-10-02,旗舰店:李四,30,5,1,0,0,0\n"), 0o600)
	code, out, errOut := runCLI(t, []string{"BANZU_DATA_DIR=" + dir}, "import", "kpi", f, "--team", "presale", "--demo")
	if code != 0 {
		t.Fatalf("exit %d %q", code, errOut)
	}
	for _, want := range []string{"⚠ ratings.csv", "读取 4 行，导入 1 行，跳过 3 行", "跳过原因：未知客服 3 行",
		"未知客服 2 个（共 3 行未导入）：张三（2 行）、旗舰店:李四（1 行）", "团队 presale 的对应成员下添加别名", `aliases: ["张三"]`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if got := kpiStored(t, dir); len(got) != 1 {
		t.Errorf("stored %d records, want 1", len(got))
	}
}

// TestImportKPIBadFiles imports a good file, then bad ones: each fails with a
// Chinese message and a non-zero exit, and the stored records stay the same.
func TestImportKPIBadFiles(t *testing.T) {
	feige := kpiSample(t, "feige-agent-daily.csv")
	dir := t.TempDir()
	env := []string{"BANZU_DATA_DIR=" + dir}
	if code, out, errOut := runCLI(t, env, "import", "kpi", feige, "--team", "presale", "--demo"); code != 0 {
		t.Fatalf("good file: exit %d\n%s\n%s", code, out, errOut)
	}
	before := kpiStored(t, dir)
	if len(before) != 248 {
		t.Fatalf("stored %d records, want 248", len(before))
	}
	files := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	junk := make([]byte, 100<<10)
	for i := range junk {
		junk[i] = byte(i*7919 + i>>3)
	}
	cases := []struct{ path, want string }{
		{write("empty.csv", nil), "文件是空的"},
		{write("report.pdf", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")), "这不是表格文件"},
		{write("photo.png", append([]byte("\x89PNG\r\n\x1a\n"), junk[:2000]...)), "这不是表格文件"},
		{write("archive.zip", []byte("PK\x03\x04garbage")), "已损坏"},
		{write("junk.csv", junk), "文件内容无法识别"},
		{write("people.csv", []byte("姓名,年龄\n张三,20\n")), "找不到表头"},
	}
	if !testing.Short() {
		cases = append(cases, struct{ path, want string }{kpiBig50MB(t, files), "第 540002 行"})
	}
	for _, c := range cases {
		name := filepath.Base(c.path)
		code, out, errOut := runCLI(t, env, "import", "kpi", c.path, "--team", "presale", "--demo")
		if code != 1 || !strings.Contains(out, "✗ "+name) || !strings.Contains(out, c.want) || !strings.Contains(errOut, "导入失败") {
			t.Errorf("%s: exit %d, want 1 and %q\nstdout: %s\nstderr: %s", name, code, c.want, out, errOut)
		}
	}
	if after := kpiStored(t, dir); len(after) != len(before) {
		t.Errorf("stored %d records after the bad files, %d before", len(after), len(before))
	} else {
		for k, v := range before {
			if after[k] != v {
				t.Errorf("record %s changed", k)
			}
		}
	}
	// Several files: the good one imports, the bad one is reported.
	code, out, errOut := runCLI(t, env, "import", "kpi", cases[0].path, feige, "--team", "presale", "--demo")
	if code != 1 || !strings.Contains(out, "✓ feige-agent-daily.csv") || !strings.Contains(errOut, "2 个文件中有 1 个导入失败") {
		t.Errorf("mixed files: exit %d\n%s\n%s", code, out, errOut)
	}
	if after := kpiStored(t, dir); len(after) != len(before) {
		t.Errorf("stored %d records after re-importing, want %d", len(after), len(before))
	}
}

// kpiBig50MB writes a 飞鸽 export of over 50 MB whose last row has a bad value.
func kpiBig50MB(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "big.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	agents := []string{"小王", "小李", "阿强", "晓雯", "大刘", "小美", "莉莉", "阿杰"}
	if err := kpi.WriteSampleFeige(w, 540_000, agents, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	w.WriteString("2026-10-31,抖店旗舰店,小王,acct_1,41,44,0.00%,89.77%,25.2,52.4,93.33%,一千,27,8,7,25.93%\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Size() < 50<<20 {
		t.Fatalf("big file is only %d bytes", st.Size())
	}
	return p
}

func TestParseFlagsAnywhere(t *testing.T) {
	fs, _ := newFlags("x", new(strings.Builder))
	team := fs.String("team", "", "")
	dry := fs.Bool("dry-run", false, "")
	pos, err := parseFlagsAnywhere(fs, []string{"a.csv", "--team", "t1", "b.xlsx", "--dry-run", "--", "--c.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pos, "|") != "a.csv|b.xlsx|--c.csv" || *team != "t1" || !*dry {
		t.Errorf("files %q team %q dry %v", pos, *team, *dry)
	}
}
