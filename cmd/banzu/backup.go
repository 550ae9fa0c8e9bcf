package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
)

func init() {
	commands["backup"] = command{"backup [-o 文件]：备份内置数据库（banzu 运行中请用 GET /api/v1/backup）", backupCmd}
	commands["migrate"] = command{"migrate --to redis://…：把内置数据库的全部数据复制到 Redis", migrateCmd}
}

// openEmbedded opens the data directory's database, explaining a lock.
func openEmbedded(dataDir string) (*embedded.Store, error) {
	path := filepath.Join(dataDir, "banzu.db")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("没有找到数据文件 %s（--data 指定数据目录）", path)
	}
	st, err := embedded.Open(path)
	if err != nil {
		return nil, fmt.Errorf("打开 %s 失败：%w（banzu serve 正在运行时文件被占用，请先停止它，或用 GET /api/v1/backup 在线备份）", path, err)
	}
	return st, nil
}

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("backup", stderr)
	out := fs.String("o", "", "备份文件，默认 banzu-备份时间.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	if cfg.Store.Driver != "embedded" {
		return errors.New("backup 只用于内置数据库；Redis 请用 Redis 自己的备份（RDB/AOF）")
	}
	st, err := openEmbedded(cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	name := *out
	if name == "" {
		name = "banzu-" + time.Now().Format("20060102-150405") + ".db"
	}
	n, err := writeBackup(st, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份到 %s（%d 字节）。恢复：停止 banzu，把它复制为 %s\n", name, n, filepath.Join(cfg.DataDir, "banzu.db"))
	return nil
}

// writeBackup writes the database to a temporary file and renames it, so a
// failed backup never leaves a truncated file under the final name.
func writeBackup(st *embedded.Store, name string) (int64, error) {
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, fmt.Errorf("创建备份文件失败：%w", err)
	}
	n, err := st.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("备份失败：%w", err)
	}
	return n, nil
}

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("migrate", stderr)
	to := fs.String("to", "", "目标 Redis，例如 redis://127.0.0.1:6379/0")
	prefix := fs.String("prefix", "", "目标键前缀，默认用配置里的 store.redis.prefix（banzu:）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("用法：banzu migrate --to redis://主机:端口/库 [--prefix banzu:] [--data 数据目录]")
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	src, err := openEmbedded(cfg.DataDir)
	if err != nil {
		return err
	}
	defer src.Close()
	p := *prefix
	if p == "" {
		p = cfg.Store.Redis.Prefix
	}
	dst, err := redisstore.Open(redisstore.Options{URL: *to, Prefix: p})
	if err != nil {
		return fmt.Errorf("连接 Redis 失败：%w", err)
	}
	defer dst.Close()
	stats, err := store.Copy(ctx, src, dst)
	if err != nil {
		return fmt.Errorf("迁移中断（可以直接重新运行，已复制的不会重复）：%w", err)
	}
	fmt.Fprintf(stdout, "迁移完成：文档 %d 条，序列 %d 个，流水 %d 条，待发消息 %d 条，待处理的收到消息 %d 条。\n"+
		"下一步：在配置里设置 store.driver: redis 和 store.redis.url，然后启动 banzu。\n",
		stats.Docs, stats.Sequences, stats.LedgerEntries, stats.Outbox, stats.Inbox)
	return nil
}
