package kpi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

// eachStore runs fn on a fresh embedded store and on Redis.
func eachStore(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("embedded", func(t *testing.T) {
		st, err := embedded.Open(filepath.Join(t.TempDir(), "db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		fn(t, st)
	})
	t.Run("redis", func(t *testing.T) {
		st, err := redisstore.Open(redisstore.Options{URL: redistest.URL(t), Prefix: redistest.Prefix(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		fn(t, st)
	})
}

var markerAgents = []string{"小王", "小李", "阿强"}

// septemberFile writes a 飞鸽 export of September 2026 with rows rows.
func septemberFile(t *testing.T, rows int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSampleFeigeMonths(&buf, rows, markerAgents, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 1); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, t.TempDir(), "飞鸽9月.csv", buf.Bytes())
}

func markerResolver() MapResolver {
	m := MapResolver{}
	for _, a := range markerAgents {
		m[a] = a
	}
	return m
}

// failingRepo fails the nth batch (1-based), after the earlier ones were
// written; it keeps Repo's import markers (beginImport is promoted).
type failingRepo struct {
	*Repo
	n, calls int
	during   func()
}

func (f *failingRepo) PutBatch(ctx context.Context, recs []Record) error {
	f.calls++
	if f.during != nil {
		f.during()
	}
	if f.calls == f.n {
		return errors.New("disk full")
	}
	return f.Repo.PutBatch(ctx, recs)
}

func TestInterruptedImportIsPartialUntilReimported(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		repo := NewRepo(st)
		path := septemberFile(t, 90) // 3 agents × 30 days
		var during []MonthState
		sink := &failingRepo{Repo: repo, n: 3}
		sink.during = func() {
			if sink.calls == 1 {
				var err error
				if during, err = repo.Incomplete(ctx, "presale", "2026-09-01", "2026-09-30"); err != nil {
					t.Error(err)
				}
			}
		}
		im := &Importer{Sink: sink, Resolver: markerResolver(), BatchSize: 20, TempDir: t.TempDir(), By: "测试"}
		if _, err := im.ImportFile(ctx, path, Options{Team: "presale"}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("import: %v, want the sink's failure", err)
		}
		if len(during) != 1 || !during[0].Importing || during[0].Partial || during[0].Month != "2026-09" {
			t.Fatalf("while writing: %+v, want September importing", during)
		}
		if n := len(dumpStore(t, st)); n != 40 {
			t.Fatalf("%d records stored, want the 2 batches before the failure (40)", n)
		}
		got, err := repo.Incomplete(ctx, "presale", "2026-09-10", "2026-10-05")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got[0].Partial || got[0].File != "飞鸽9月.csv" {
			t.Fatalf("after the failure: %+v, want September partial", got)
		}
		note := IncompleteNotice(got)
		if !strings.Contains(note, "9月数据导入未完成，请重新导入") || !strings.Contains(note, "飞鸽9月.csv") {
			t.Fatalf("notice %q", note)
		}
		// Other teams and months are not concerned.
		if other, _ := repo.Incomplete(ctx, "aftersale", "2026-09-01", "2026-09-30"); len(other) != 0 {
			t.Fatalf("aftersale: %+v", other)
		}
		if oct, _ := repo.Incomplete(ctx, "presale", "2026-10-01", "2026-10-31"); len(oct) != 0 {
			t.Fatalf("October: %+v", oct)
		}

		// A smaller import of a few September days does not repair it.
		var few bytes.Buffer
		if err := WriteSampleFeigeMonths(&few, 3, markerAgents, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 1); err != nil {
			t.Fatal(err)
		}
		im = &Importer{Sink: repo, Resolver: markerResolver(), TempDir: t.TempDir()}
		if _, err := im.ImportFile(ctx, writeFile(t, t.TempDir(), "one-day.csv", few.Bytes()), Options{Team: "presale"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := repo.Incomplete(ctx, "presale", "2026-09-01", "2026-09-30"); len(got) != 1 || !got[0].Partial {
			t.Fatalf("after a one-day import: %+v, want still partial", got)
		}
		// Importing the file again does.
		sum, err := im.ImportFile(ctx, path, Options{Team: "presale"})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Records != 90 {
			t.Fatalf("re-import wrote %d records", sum.Records)
		}
		if got, _ := repo.Incomplete(ctx, "presale", "2026-09-01", "2026-09-30"); len(got) != 0 {
			t.Fatalf("after the re-import: %+v, want complete", got)
		}
		if n := countMarkers(t, st); n != 0 {
			t.Fatalf("%d markers left", n)
		}
	})
}

func countMarkers(t *testing.T, st store.Store) int {
	n := 0
	if err := st.Scan(context.Background(), ImportsCollection, "", "", func(string, []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFailedParseLeavesNoMarker(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		repo := NewRepo(st)
		path := writeFile(t, t.TempDir(), "bad.csv", []byte("客服,接待人数,日期\n小王,abc,2026-09-01\n"))
		im := &Importer{Sink: repo, Resolver: markerResolver(), TempDir: t.TempDir()}
		if _, err := im.ImportFile(context.Background(), path, Options{Team: "presale"}); err == nil {
			t.Fatal("bad file imported")
		}
		if n := countMarkers(t, st); n != 0 {
			t.Fatalf("%d markers after a file that wrote nothing", n)
		}
	})
}

// putMarker stores a marker as another process would have left it.
func putMarker(t *testing.T, st store.Store, m ImportMarker) {
	t.Helper()
	b, _ := json.Marshal(&m)
	if err := st.Put(context.Background(), ImportsCollection, markerKey(m.Team, m.Month, m.Started.UnixNano(), m.Host, m.PID), b); err != nil {
		t.Fatal(err)
	}
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no `true` command:", err)
	}
	return cmd.Process.Pid
}

func TestMarkerOwners(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		repo := NewRepo(st)
		now := time.Now()
		base := ImportMarker{Team: "presale", From: "2026-09-01", To: "2026-09-30", File: "f.csv", Started: now, Heartbeat: now}
		// Killed on this host: partial at once, whatever its heartbeat.
		m := base
		m.Month, m.Host, m.PID = "2026-07", hostname(), deadPID(t)
		putMarker(t, st, m)
		// This pid and host, but an earlier process (a restarted
		// container's pid 1): partial.
		m = base
		m.Month, m.Host, m.PID, m.Proc = "2026-06", hostname(), os.Getpid(), "earlier"
		putMarker(t, st, m)
		// On another host, fresh: still importing.
		m = base
		m.Month, m.Host, m.PID = "2026-08", "elsewhere", 1
		putMarker(t, st, m)
		// On another host, silent past the lease: partial.
		m = base
		m.Month, m.Host, m.PID = "2026-09", "elsewhere", 1
		m.Heartbeat = now.Add(-ImportLease - time.Second)
		putMarker(t, st, m)
		got, err := repo.Incomplete(ctx, "presale", "2026-06-01", "2026-10-31")
		if err != nil {
			t.Fatal(err)
		}
		want := []MonthState{
			{Month: "2026-06", Partial: true, File: "f.csv"},
			{Month: "2026-07", Partial: true, File: "f.csv"},
			{Month: "2026-08", Importing: true, File: "f.csv"},
			{Month: "2026-09", Partial: true, File: "f.csv"},
		}
		if len(got) != len(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		}
		note := IncompleteNotice(got)
		if !strings.Contains(note, "6月、7月、9月数据导入未完成，请重新导入") || !strings.Contains(note, "8月数据正在导入") {
			t.Fatalf("notice %q", note)
		}
	})
}

func TestIncompleteNoticeYears(t *testing.T) {
	got := IncompleteNotice([]MonthState{{Month: "2025-12", Partial: true}, {Month: "2026-01", Partial: true}})
	if want := "⚠️ 2025年12月、2026年1月数据导入未完成，请重新导入"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := IncompleteNotice(nil); got != "" {
		t.Fatalf("no months: %q", got)
	}
}
