package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/store/embedded"
)

// QA: `banzu job run daily-summary --demo` on a new data directory used to
// find no demo data (only serve seeded it) and to exit while its message was
// being sent, leaving it in the outbox; a company-wide job printed "（团队 ）".
func TestJobRunDemoSeedsAndDelivers(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, nil, "job", "run", "daily-summary", "--team", "presale", "--demo", "--data", dir)
	if code != 0 || !strings.Contains(out, "任务 daily-summary 已运行（团队 presale）") || strings.Contains(out, "发件箱") {
		t.Fatalf("job run daily-summary: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, nil, "job", "run", "report-monthly", "--team", "presale", "--demo", "--data", dir)
	if code != 0 || !strings.Contains(out, "（全公司）") || strings.Contains(out, "团队 ）") || !strings.Contains(out, "--team 不起作用") {
		t.Fatalf("job run report-monthly: %d %q %q", code, out, errOut)
	}

	cfg := config.Default()
	cfg.DataDir = dir
	demo.Apply(cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if depth, _, err := a.Store.Outbox().Stats(ctx); err != nil || depth != 0 {
		t.Errorf("outbox after job run: depth %d, %v", depth, err)
	}
	group, err := a.Console.Messages(ctx, "presale", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var summary bool
	for _, m := range group {
		summary = summary || strings.Contains(m.Markdown, "昨日战报")
	}
	if !summary {
		t.Errorf("the morning summary of the demo data is not in the presale chat: %+v", group)
	}
	inbox, _ := a.Console.Messages(ctx, "inbox:chen", 0, 100)
	for _, m := range inbox {
		if strings.Contains(m.Markdown, "还没有") {
			t.Errorf("the supervisor was told to import data the demo has: %q", m.Markdown)
		}
	}
	mgr, _ := a.Console.Messages(ctx, "inbox:zhao", 0, 100)
	var file bool
	for _, m := range mgr {
		file = file || m.File != nil
	}
	if !file {
		t.Errorf("the manager got no monthly workbook: %+v", mgr)
	}
}

// QA: `banzu report --demo` on a new data directory found no KPI data.
func TestReportDemoSeeds(t *testing.T) {
	dir := t.TempDir()
	out := dir + "/r.xlsx"
	code, stdout, errOut := runCLI(t, nil, "report", "--team", "presale", "--demo", "--data", dir, "-o", out)
	if code != 0 || !strings.Contains(stdout, "8 位客服") {
		t.Fatalf("report --demo: %d %q %q", code, stdout, errOut)
	}
}

// QA: `banzu job run` said only "已运行", `job list` created ./data/banzu.db,
// and a job run on a data file in use printed a bare "timeout".
func TestJobRunSaysWhereItPostedAndListTouchesNoData(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, nil, "job", "run", "daily-summary", "--team", "presale", "--demo", "--data", dir)
	if code != 0 || !strings.Contains(out, "消息已发到本地聊天：售前组（1 条）") || !strings.Contains(out, "http://127.0.0.1:8080/") {
		t.Fatalf("job run: %d %q %q", code, out, errOut)
	}

	empty := filepath.Join(t.TempDir(), "never")
	code, out, errOut = runCLI(t, nil, "job", "list", "--data", empty)
	if code != 0 || !strings.Contains(out, "daily-summary") {
		t.Fatalf("job list: %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Errorf("job list created the data directory %s (%v)", empty, err)
	}

	// The data file held by another process (here: this one).
	st, err := embedded.Open(filepath.Join(dir, "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, errOut = runCLI(t, nil, "job", "run", "daily-summary", "--demo", "--data", dir)
	if code != 1 || !strings.Contains(errOut, "数据文件正被另一个 banzu 进程使用") {
		t.Errorf("job run on a busy data file: %d %q", code, errOut)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		code, out, errOut := runCLI(t, nil, arg)
		if code != 0 || !strings.Contains(out, "job") || !strings.Contains(out, "report") || !strings.Contains(out, "import") || strings.Contains(errOut, "serve") {
			t.Errorf("banzu %s: %d %q %q", arg, code, out, errOut)
		}
	}
}
