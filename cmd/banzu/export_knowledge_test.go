package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/xuri/excelize/v2"
)

// seedKnowledge makes a data directory whose demo knowledge base was seeded
// by `banzu export knowledge --demo` itself, then adds one entry whose text a
// spreadsheet would run as a formula and retires the first demo entry.
func seedKnowledge(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	code, out, errOut := runCLI(t, []string{"BANZU_DATA_DIR=" + dir}, "export", "knowledge", "--demo", "-o", filepath.Join(t.TempDir(), "first.xlsx"))
	if code != 0 || !strings.Contains(out, "已导出 11 条知识") {
		t.Fatalf("first export of a fresh data directory: %d %q %q", code, out, errOut)
	}
	st, err := embedded.Open(filepath.Join(dir, "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	svc := knowledge.New(st, knowledge.DefaultSettings(), func() time.Time { return now })
	sub, _ := knowledge.ParseSubmission("=HYPERLINK(\"http://evil\",\"点我\") | @SUM(1+1) #=cmd")
	e, _, err := svc.Submit(ctx, "presale", knowledge.Actor{ID: "xiaowang", Name: "小王"}, sub, knowledge.Origin{})
	if err != nil {
		t.Fatal(err)
	}
	sup := knowledge.Actor{ID: "chen", Name: "陈主管", Supervisor: true}
	if _, err := svc.Approve(ctx, "presale", e.ID, sup, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Retire(ctx, "presale", 1, sup, "过时"); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestExportKnowledgeDemoFreshDir: --demo on a data directory nobody has
// used seeds the demo knowledge base (once) before exporting it.
func TestExportKnowledgeDemoFreshDir(t *testing.T) {
	env := []string{"BANZU_DATA_DIR=" + t.TempDir()}
	for run := 1; run <= 2; run++ {
		code, out, errOut := runCLI(t, env, "export", "knowledge", "--demo", "--team", "presale", "--format", "csv")
		if code != 0 || !strings.Contains(errOut, "已导出 8 条知识") {
			t.Fatalf("run %d: %d %q", run, code, errOut)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 9 {
			t.Fatalf("run %d: %d rows, %v", run, len(recs), err)
		}
		if !strings.Contains(out, "运费险怎么理赔") || strings.Contains(out, "退货运费谁出") {
			t.Errorf("run %d: want the approved demo entries only:\n%s", run, out)
		}
	}
	// Without --demo a fresh directory has no teams to export.
	code, _, errOut := runCLI(t, []string{"BANZU_DATA_DIR=" + t.TempDir()}, "export", "knowledge")
	if code == 0 || !strings.Contains(errOut, "还没有配置团队") {
		t.Errorf("no teams: %d %q", code, errOut)
	}
}

// TestExportNoKind: an option where the kind belongs is "no kind given".
func TestExportNoKind(t *testing.T) {
	env := []string{"BANZU_DATA_DIR=" + t.TempDir()}
	for _, args := range [][]string{{"export"}, {"export", "--demo"}, {"export", "-o", "x.csv"}} {
		code, _, errOut := runCLI(t, env, args...)
		if code != 1 || !strings.Contains(errOut, "用法：banzu export 类型") || !strings.Contains(errOut, "knowledge") ||
			!strings.Contains(errOut, "导出团队知识库") || strings.Contains(errOut, "不认识的类型") {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	if code, _, errOut := runCLI(t, env, "export", "nosuch"); code != 1 || !strings.Contains(errOut, "不认识的类型 \"nosuch\"") {
		t.Errorf("unknown kind: %d %q", code, errOut)
	}
	if code, out, _ := runCLI(t, env, "export", "--help"); code != 0 || !strings.Contains(out, "用法：banzu export 类型") || !strings.Contains(out, "lessons") {
		t.Errorf("--help: %d %q", code, out)
	}
}

func TestExportKnowledgeCSV(t *testing.T) {
	dir := seedKnowledge(t)
	env := []string{"BANZU_DATA_DIR=" + dir}
	code, out, errOut := runCLI(t, env, "export", "knowledge", "--demo", "--team", "售前组", "--format", "csv")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	if !strings.HasPrefix(out, "\ufeff") || !strings.Contains(errOut, "已导出 8 条知识") {
		t.Errorf("BOM or count missing: %q", errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "标准问题,相似问题,答案,分类,状态,贡献者,更新时间" || len(recs) != 9 {
		t.Fatalf("header or rows: %d %v", len(recs), recs[0])
	}
	var evil []string
	for _, r := range recs[1:] {
		if strings.Contains(r[0], "HYPERLINK") {
			evil = r
		}
		if strings.Contains(r[0], "七天无理由") {
			t.Errorf("retired entry exported without --include-retired: %v", r)
		}
	}
	if evil == nil || evil[0] != `'=HYPERLINK("http://evil","点我")` || evil[2] != "'@SUM(1+1)" || evil[3] != "'=cmd" || evil[4] != "启用" || evil[6] != "2026-06-01 10:00" {
		t.Errorf("formula row: %q", evil)
	}
	code, out, _ = runCLI(t, env, "export", "knowledge", "--demo", "--team", "presale", "--format", "csv", "--include-retired")
	if code != 0 || !strings.Contains(out, "七天无理由退货怎么申请") || !strings.Contains(out, "停用") {
		t.Errorf("--include-retired: %d", code)
	}
}

func TestExportKnowledgeXLSX(t *testing.T) {
	dir := seedKnowledge(t)
	path := filepath.Join(t.TempDir(), "kb.xlsx")
	code, out, errOut := runCLI(t, []string{"BANZU_DATA_DIR=" + dir}, "export", "knowledge", "--demo", "-o", path)
	if code != 0 || !strings.Contains(out, "已导出 11 条知识到") {
		t.Fatalf("export: %d %q %q", code, out, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "售前组,售后组" {
		t.Fatalf("sheets: %s", got)
	}
	rows, _ := f.GetRows("售前组")
	if len(rows) != 9 || rows[0][0] != "标准问题" || rows[0][6] != "更新时间" {
		t.Fatalf("售前组 rows: %d %v", len(rows), rows[0])
	}
	found := false
	for i, r := range rows[1:] {
		if strings.Contains(r[0], "HYPERLINK") {
			found = true
			if r[0] != `'=HYPERLINK("http://evil","点我")` || r[2] != "'@SUM(1+1)" {
				t.Errorf("formula row not neutralised: %q", r)
			}
			for _, col := range []string{"A", "C", "D"} {
				if fm, _ := f.GetCellFormula("售前组", col+string(rune('2'+i))); fm != "" {
					t.Errorf("cell %s holds a formula: %q", col, fm)
				}
			}
		}
	}
	if !found {
		t.Error("formula row missing")
	}
	if rows, _ := f.GetRows("售后组"); len(rows) != 4 {
		t.Errorf("售后组 rows: %d", len(rows))
	}
}

func TestExportKnowledgeBadInput(t *testing.T) {
	dir := t.TempDir()
	env := []string{"BANZU_DATA_DIR=" + dir}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--format", "pdf"}, "--format 只能是 xlsx 或 csv"},
		{[]string{"--demo", "--team", "nosuch"}, "没有团队 \"nosuch\""},
		{[]string{"--demo", "--format", "csv"}, "CSV 只能放一个团队"},
		{[]string{"--team", "presale"}, "还没有配置团队"},
	} {
		code, _, errOut := runCLI(t, env, append([]string{"export", "knowledge"}, c.args...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, errOut, c.want)
		}
	}
}
