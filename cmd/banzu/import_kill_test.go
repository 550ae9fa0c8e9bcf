package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
	"github.com/banzu-bot/banzu/tmpdir"
)

// killImportAgents and killImportRows make an import of about a dozen
// batches: every row is its own agent-day of September 2026.
const (
	killImportAgents = 3300
	killImportRows   = killImportAgents * 30
)

// TestKilledImportReadsAsPartialUntilReimported kills `banzu import kpi`
// with SIGKILL after its first batch is in, on each store: /kpi then says
// September's import is incomplete, the killed process's spool file is gone
// once banzu starts again, and importing the file again makes the month
// complete.
func TestKilledImportReadsAsPartialUntilReimported(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	dir := t.TempDir()
	names := make([]string, killImportAgents)
	for i := range names {
		names[i] = fmt.Sprintf("客服%04d", i+1)
	}
	file := filepath.Join(dir, "飞鸽9月.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := kpi.WriteSampleFeigeMonths(w, killImportRows, names, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 1); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var team strings.Builder
	team.WriteString("teams:\n  - id: presale\n    name: 售前组\n    members:\n      - {id: chen, name: 陈主管, role: supervisor}\n")
	for i, n := range names {
		fmt.Fprintf(&team, "      - {id: a%04d, name: %s, role: agent}\n", i+1, n)
	}

	t.Run("embedded", func(t *testing.T) {
		data := t.TempDir()
		cfg := writeConfig(t, fmt.Sprintf("data_dir: %q\n", data)+team.String())
		open := func() store.Store {
			st, err := embedded.Open(filepath.Join(data, "banzu.db"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		killedImport(t, cfg, data, file, open)
	})
	t.Run("redis", func(t *testing.T) {
		url, prefix := redistest.URL(t), redistest.Prefix(t)
		data := t.TempDir()
		cfg := writeConfig(t, fmt.Sprintf("data_dir: %q\nstore:\n  driver: redis\n  redis: {url: %q, prefix: %q}\n", data, url, prefix)+team.String())
		open := func() store.Store {
			st, err := redisstore.Open(redisstore.Options{URL: url, Prefix: prefix})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		killedImport(t, cfg, data, file, open)
	})
}

func killedImport(t *testing.T, cfg, data, file string, open func() store.Store) {
	env := []string{"BANZU_CONFIG=" + cfg}
	pid := importKilledAfterFirstBatch(t, env, file)
	spool := filepath.Join(tmpdir.Root(data), tmpdir.Name(pid))
	if entries, err := os.ReadDir(spool); err != nil || len(entries) == 0 {
		t.Fatalf("the killed import should have left its spool file in %s: %v %v", spool, entries, err)
	}

	p := startProc(t, env)
	const notice = "9月数据导入未完成，请重新导入"
	if got := p.ask(t, "presale", "chen", "/kpi team 2026-09"); !strings.Contains(got, notice) || !strings.Contains(got, "飞鸽9月.csv") {
		t.Fatalf("/kpi team 2026-09 after the kill: %q", got)
	}
	if _, err := os.Stat(spool); !os.IsNotExist(err) {
		t.Errorf("the killed import's temporary folder survived the start: %v", err)
	}
	p.stop() // the embedded store is one process's at a time

	if out, err := banzuCmd(env, "import", "kpi", file, "--team", "presale").CombinedOutput(); err != nil {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	st := open()
	n, markers := 0, 0
	ctx := context.Background()
	if err := st.Scan(ctx, kpi.Collection, "", "", func(string, []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.Scan(ctx, kpi.ImportsCollection, "", "", func(string, []byte) error { markers++; return nil }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if n != killImportRows || markers != 0 {
		t.Fatalf("after the re-import: %d records (want %d), %d import markers (want 0)", n, killImportRows, markers)
	}
	p = startProc(t, env)
	if got := p.ask(t, "presale", "chen", "/kpi team 2026-09"); strings.Contains(got, "导入未完成") || !strings.Contains(got, "售前组") {
		t.Fatalf("/kpi team 2026-09 after the re-import: %q", got)
	}
}

// banzuCmd runs the test binary as banzu.
func banzuCmd(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "BANZU_TEST_MAIN=1", "BANZU_LOG_LEVEL=debug"), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// importKilledAfterFirstBatch runs `banzu import kpi file`, kills it with
// SIGKILL as soon as it logs its first batch written, and returns its pid.
func importKilledAfterFirstBatch(t *testing.T, env []string, file string) int {
	t.Helper()
	cmd := banzuCmd(env, "import", "kpi", file, "--team", "presale")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	killed := false
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		log.WriteString(line + "\n")
		if !killed && strings.Contains(line, `msg="kpi import progress"`) && !strings.Contains(line, " records=0 ") {
			_ = cmd.Process.Kill()
			killed = true
		}
	}
	err = cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !killed || !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the import was not killed mid-write (%v):\n%s", err, log.String())
	}
	if n := strings.Count(log.String(), `msg="kpi import progress"`); n != 1 {
		t.Logf("%d batches were logged before the kill landed", n)
	}
	return cmd.Process.Pid
}

// ask says text in chat as user and returns the bot's next answer there.
func (p *proc) ask(t *testing.T, chat, user, text string) string {
	t.Helper()
	before := len(p.messages(chat))
	p.say(chat, user, text)
	var got string
	waitFor(t, 30*time.Second, "an answer to "+text, func() bool {
		msgs := p.messages(chat)
		for _, m := range msgs[min(before, len(msgs)):] {
			if m.From == "bot" {
				got = m.Markdown + m.Text
				return true
			}
		}
		return false
	})
	return got
}
