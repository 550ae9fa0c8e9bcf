package kpi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Uploads and spool files go to Importer.TempDir (created when needed) and
// are gone when the import returns.
func TestTempFilesUnderTempDir(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), "tmp", "123@host")
	var during []string
	im := &Importer{Sink: newTestRepo(t), Resolver: markerResolver(), TempDir: tmp, RunSize: 16, BatchSize: 16,
		Progress: func(p Progress) {
			if p.Writing && during == nil {
				during = listDir(t, tmp)
			}
		}}
	var buf bytes.Buffer
	if err := WriteSampleFeigeMonths(&buf, 90, markerAgents, mustMonth("2026-09"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := im.ImportReader(context.Background(), &buf, "飞鸽.csv", Options{Team: "presale"}); err != nil {
		t.Fatal(err)
	}
	var upload, spool bool
	for _, n := range during {
		upload = upload || strings.HasPrefix(n, "banzu-kpi-upload-")
		spool = spool || strings.HasPrefix(n, "banzu-kpi-spool-")
	}
	if !upload || !spool {
		t.Fatalf("while writing, %s held %v; want the upload and the spool file", tmp, during)
	}
	if left := listDir(t, tmp); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func mustMonth(s string) time.Time {
	m, err := time.Parse("2006-01", s)
	if err != nil {
		panic(err)
	}
	return m
}
