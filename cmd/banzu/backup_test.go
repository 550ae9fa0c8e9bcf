package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

func TestBackupAndMigrate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := embedded.Open(filepath.Join(dir, "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Put(ctx, "roles", "xiaowang", []byte("supervisor"))
	st.Append(ctx, "points", "k1", []byte(`{"points":3}`))
	st.Close()
	env := []string{"BANZU_DATA_DIR=" + dir}

	out := filepath.Join(t.TempDir(), "b.db")
	if code, stdout, stderr := runCLI(t, env, "backup", "-o", out); code != 0 || !strings.Contains(stdout, "已备份到") {
		t.Fatalf("backup: %d %q %q", code, stdout, stderr)
	}
	copyStore, err := embedded.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := copyStore.Get(ctx, "roles", "xiaowang"); err != nil || string(v) != "supervisor" {
		t.Fatalf("backup content: %q %v", v, err)
	}
	copyStore.Close()

	if code, _, stderr := runCLI(t, []string{"BANZU_DATA_DIR=" + t.TempDir()}, "backup"); code != 1 || !strings.Contains(stderr, "没有找到数据文件") {
		t.Errorf("backup without data: %d %q", code, stderr)
	}

	url, prefix := redistest.URL(t), redistest.Prefix(t)
	code, stdout, stderr := runCLI(t, env, "migrate", "--to", url, "--prefix", prefix)
	if code != 0 || !strings.Contains(stdout, "迁移完成：文档 1 条，序列 0 个，流水 1 条") {
		t.Fatalf("migrate: %d %q %q", code, stdout, stderr)
	}
	rs, err := redisstore.Open(redisstore.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if v, err := rs.Get(ctx, "roles", "xiaowang"); err != nil || string(v) != "supervisor" {
		t.Fatalf("migrated role: %q %v", v, err)
	}
	if code, _, stderr := runCLI(t, env, "migrate"); code != 1 || !strings.Contains(stderr, "用法") {
		t.Errorf("migrate without --to: %d %q", code, stderr)
	}
}
