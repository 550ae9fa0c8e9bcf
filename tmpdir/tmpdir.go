// Package tmpdir keeps banzu's temporary files (KPI upload and spool files,
// spilled workbook sheets) under <data_dir>/tmp instead of the system's temp
// folder, and clears what crashed processes left there.
//
// Each process writes into its own folder, <data_dir>/tmp/<pid>@<host>, so
// that two processes sharing a data_dir (banzu serve and a one-off banzu
// import, say) never delete each other's live files: at start a process
// removes the folders of processes of its own host that no longer run, and
// anything else (folders of other hosts on a shared volume, stray files)
// untouched for MaxAge.
package tmpdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxAge is how long a temporary file of an unknown or foreign owner is
// kept. No import or report takes nearly as long.
const MaxAge = time.Hour

var (
	cleanedMu sync.Mutex
	cleaned   = map[string]bool{} // roots cleared by this process
)

// Root is the temporary folder of a data_dir.
func Root(dataDir string) string { return filepath.Join(dataDir, "tmp") }

// For returns this process's temporary folder under dataDir, without
// creating it (use Ensure before writing). The first call for a dataDir in
// a process first clears what earlier processes left behind; its error, if
// any, is returned with the path (the folder is usable all the same).
func For(dataDir string) (string, error) {
	root := Root(dataDir)
	own := filepath.Join(root, ownName())
	cleanedMu.Lock()
	defer cleanedMu.Unlock()
	if cleaned[root] {
		return own, nil
	}
	cleaned[root] = true
	_, err := Clean(root, time.Now())
	return own, err
}

// Ensure creates dir if needed and returns it.
func Ensure(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("创建临时目录 %s 失败：%w", dir, err)
	}
	return dir, nil
}

// Pattern is an os.CreateTemp pattern for kind ("kpi-upload").
func Pattern(kind string) string { return "banzu-" + kind + "-*" }

func ownName() string { return Name(os.Getpid()) }

// Name is the folder name of process pid of this host: "<pid>@<host>".
func Name(pid int) string { return strconv.Itoa(pid) + "@" + safeHost() }

var safeHost = sync.OnceValue(func() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, h)
})

// Clean removes from root what no running process of this host owns: the
// folders of dead processes of this host (and one named after this very
// process, left by an earlier one with the same pid, as in a restarted
// container), and everything else not modified for MaxAge. It returns the
// names it removed.
func Clean(root string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		path := filepath.Join(root, e.Name())
		if !stale(path, e, now) {
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, e.Name())
	}
	return removed, errors.Join(errs...)
}

func stale(path string, e fs.DirEntry, now time.Time) bool {
	if e.IsDir() {
		if pidStr, host, ok := strings.Cut(e.Name(), "@"); ok && host == safeHost() {
			pid, err := strconv.Atoi(pidStr)
			if err == nil && pid > 0 {
				return pid == os.Getpid() || !Alive(pid)
			}
		}
	}
	return now.Sub(newest(path)) > MaxAge
}

// newest is the latest modification time in the tree at path.
func newest(path string) time.Time {
	var t time.Time
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(t) {
			t = info.ModTime()
		}
		return nil
	})
	return t
}
