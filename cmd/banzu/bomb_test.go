package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/xlsxguard/xlsxguardtest"
)

// bombRSSLimitKB is issue 15's bound on a process refusing a zip bomb.
const bombRSSLimitKB = 150 << 10

// feigeHeader is a real 飞鸽 header, so the bomb's visible sheet is a
// workbook the importer would otherwise accept.
var feigeHeader = []string{"日期", "店铺", "客服昵称", "客服账号", "接待人数", "咨询人数", "未回复率", "3分钟回复率", "平均响应时长(秒)", "首响时长(秒)", "满意率", "询单人数", "下单人数", "付款人数", "询单转化率"}

// maxRSSKB is the peak resident set of a finished child process, in KiB.
func maxRSSKB(t *testing.T, ps *os.ProcessState) int64 {
	t.Helper()
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no rusage on this platform")
	}
	return ru.Maxrss
}

// TestImportKPIBombCLI imports a 1 MB workbook holding 1 GiB of zeros (and
// one with a 1 GiB whitespace sheet) through `banzu import kpi` in a child
// process: refused with a message naming the file, peak RSS under 150 MB.
func TestImportKPIBombCLI(t *testing.T) {
	for _, kind := range []xlsxguardtest.Kind{xlsxguardtest.Zeros, xlsxguardtest.WhitespaceSheet} {
		dir := t.TempDir()
		bomb := xlsxguardtest.File(t, dir, kind, 1<<30, feigeHeader, [][]any{{"2026-10-01", "抖店旗舰店", "小王", "acct_1", 41}})
		if st, _ := os.Stat(bomb); st.Size() > 2<<20 {
			t.Fatalf("bomb is %d bytes, want about 1 MB", st.Size())
		}
		cmd := exec.Command(os.Args[0], "import", "kpi", bomb, "--team", "presale", "--demo", "--data", filepath.Join(dir, "data"))
		cmd.Env = append(os.Environ(), "BANZU_TEST_MAIN=1", "TMPDIR="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		took := time.Since(start)
		if _, ok := err.(*exec.ExitError); !ok || cmd.ProcessState.ExitCode() != 1 {
			t.Fatalf("kind %d: want exit 1, got %v\n%s", kind, err, out.String())
		}
		if !strings.Contains(out.String(), "疑似压缩炸弹") || !strings.Contains(out.String(), "bomb.xlsx") {
			t.Errorf("kind %d: output does not name the bomb:\n%s", kind, out.String())
		}
		rss := maxRSSKB(t, cmd.ProcessState)
		t.Logf("kind %d: refused in %v, peak RSS %d MB: %s", kind, took.Round(time.Millisecond), rss>>10, strings.TrimSpace(out.String()))
		if rss > bombRSSLimitKB {
			t.Errorf("kind %d: peak RSS %d MB, want under 150 MB", kind, rss>>10)
		}
		if took > 20*time.Second { // issue 15 wants < 2 s; the bound allows a loaded machine
			t.Errorf("kind %d: refusal took %v", kind, took)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "excelize-*")); len(left) > 0 {
			t.Errorf("kind %d: temporary files left: %v", kind, left)
		}
	}
}

// TestImportKPIBombAPI posts the bomb to POST /api/v1/kpi/import of a
// running `banzu serve`: refused with 200 and the file's error, the server
// still healthy, its peak RSS under 150 MB.
func TestImportKPIBombAPI(t *testing.T) {
	dir := t.TempDir()
	bomb := xlsxguardtest.File(t, dir, xlsxguardtest.Zeros, 1<<30, feigeHeader, nil)
	data, err := os.ReadFile(bomb)
	if err != nil {
		t.Fatal(err)
	}
	p := startProc(t, []string{"BANZU_API_TOKEN=api-secret", "BANZU_DATA_DIR=" + filepath.Join(dir, "data"), "TMPDIR=" + dir}, "--demo")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("team", "presale")
	fw, _ := mw.CreateFormFile("file", "月报.xlsx")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", p.url+"/api/v1/kpi/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer api-secret")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if !strings.Contains(string(got), "疑似压缩炸弹") || !strings.Contains(string(got), "月报.xlsx") || strings.Contains(string(got), `"ok":true`) {
		t.Errorf("status %d, body %s", resp.StatusCode, got)
	}
	if r, err := http.Get(p.url + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Errorf("healthz after the bomb: %v %v", r, err)
	}
	p.stop()
	rss := maxRSSKB(t, p.cmd.ProcessState)
	t.Logf("refused in %v, server peak RSS %d MB: %s", took.Round(time.Millisecond), rss>>10, got)
	if rss > bombRSSLimitKB {
		t.Errorf("server peak RSS %d MB, want under 150 MB", rss>>10)
	}
	if took > 20*time.Second {
		t.Errorf("refusal took %v", took)
	}
}
