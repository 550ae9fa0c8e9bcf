package tmpdir

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

func mkfile(t *testing.T, path string, age time.Duration) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	when := time.Now().Add(-age)
	for p := path; len(p) > 0; p = filepath.Dir(p) {
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
		if filepath.Base(filepath.Dir(p)) == "tmp" {
			break
		}
	}
}

func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no `true` command:", err)
	}
	return cmd.Process.Pid
}

func TestCleanKeepsWhatLiveProcessesOwn(t *testing.T) {
	root := filepath.Join(t.TempDir(), "tmp")
	host := safeHost()
	dead := strconv.Itoa(deadPID(t)) + "@" + host
	live := strconv.Itoa(os.Getppid()) + "@" + host // the go command: running
	self := ownName()                               // an earlier process with our pid
	mkfile(t, filepath.Join(root, dead, "banzu-kpi-spool-1"), 0)
	mkfile(t, filepath.Join(root, live, "banzu-kpi-upload-1"), 3*MaxAge) // old but its owner runs
	mkfile(t, filepath.Join(root, self, "banzu-report-1.xlsx"), 0)
	mkfile(t, filepath.Join(root, "7@otherhost", "excelize-1"), 0)
	mkfile(t, filepath.Join(root, "8@otherhost", "excelize-2"), 2*MaxAge)
	mkfile(t, filepath.Join(root, "banzu-kpi-upload-old"), 2*MaxAge)
	mkfile(t, filepath.Join(root, "banzu-kpi-upload-new"), 0)

	removed, err := Clean(root, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	want := []string{dead, self, "8@otherhost", "banzu-kpi-upload-old"}
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	entries, _ := os.ReadDir(root)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	slices.Sort(left)
	wantLeft := []string{live, "7@otherhost", "banzu-kpi-upload-new"}
	slices.Sort(wantLeft)
	if !slices.Equal(left, wantLeft) {
		t.Fatalf("left %v, want %v", left, wantLeft)
	}
}

func TestForClearsOncePerProcess(t *testing.T) {
	data := t.TempDir()
	stale := filepath.Join(Root(data), strconv.Itoa(deadPID(t))+"@"+safeHost(), "banzu-kpi-spool-1")
	mkfile(t, stale, 0)
	own, err := For(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "tmp", ownName()); own != want {
		t.Fatalf("For = %s, want %s", own, want)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("a dead process's file survived: %v", err)
	}
	if _, err := os.Stat(own); !os.IsNotExist(err) {
		t.Fatal("For must not create the folder")
	}
	// This process's own files survive later calls (a second app in the
	// same process, say).
	mine := filepath.Join(own, "banzu-kpi-upload-1")
	mkfile(t, mine, 0)
	if _, err := For(data); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Fatalf("own file removed: %v", err)
	}
	if _, err := Ensure(own); err != nil {
		t.Fatal(err)
	}
}

func TestCleanMissingRoot(t *testing.T) {
	if removed, err := Clean(filepath.Join(t.TempDir(), "none"), time.Now()); err != nil || len(removed) != 0 {
		t.Fatalf("%v %v", removed, err)
	}
}
