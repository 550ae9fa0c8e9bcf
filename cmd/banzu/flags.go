package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
)

// common are the options every command takes.
type common struct {
	configPath string
	listen     string
	dataDir    string
	demo       bool
}

func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet("banzu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &common{}
	fs.StringVar(&c.configPath, "config", "", "配置文件（YAML），也可用 BANZU_CONFIG")
	fs.StringVar(&c.listen, "listen", "", "HTTP 监听地址，默认 127.0.0.1:8080，也可用 BANZU_LISTEN")
	fs.StringVar(&c.dataDir, "data", "", "数据目录，默认 ./data，也可用 BANZU_DATA_DIR")
	fs.BoolVar(&c.demo, "demo", false, "使用演示公司（两个团队和示例数据）")
	return fs, c
}

// load reads config: file, then environment, then command-line flags.
func (c *common) load(env []string) (*config.Config, error) {
	path := c.configPath
	if path == "" {
		path = lookupEnv(env, "BANZU_CONFIG")
	}
	cfg, err := config.Load(path, env)
	if err != nil {
		return nil, err
	}
	if c.listen != "" {
		cfg.Listen = c.listen
	}
	if c.dataDir != "" {
		cfg.DataDir = c.dataDir
	}
	if c.demo {
		demo.Apply(cfg)
	}
	return cfg, cfg.Validate()
}

// openApp builds banzu for a one-off command: logger from config, and a clear
// message when banzu serve holds the data file (busyHint says what to do
// instead). With seed and --demo, the demo data is seeded first (commands
// that read it; imports must not mix demo history into real figures). The
// caller closes it.
func (c *common) openApp(ctx context.Context, cfg *config.Config, stderr io.Writer, busyHint string, seed bool, opts app.Options) (*app.App, error) {
	opts.Logger = newLogger(cfg, stderr)
	a, err := app.New(ctx, cfg, opts)
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("数据文件正被另一个 banzu 进程使用（可能 banzu serve 正在运行）：%s（%w）", busyHint, err)
		}
		return nil, err
	}
	if seed {
		if err := c.seedDemo(ctx, a); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

// open loads the config and opens banzu for a one-off command that needs
// nothing else from the config and no demo data (see openApp).
func (c *common) open(ctx context.Context, env []string, stderr io.Writer, busyHint string) (*app.App, error) {
	cfg, err := c.load(env)
	if err != nil {
		return nil, err
	}
	return c.openApp(ctx, cfg, stderr, busyHint, false, app.Options{})
}

// seedDemo adds the demo company's data (KPI history, knowledge …) the first
// time a --demo command opens a data directory, as banzu serve --demo does:
// `banzu job run daily-summary --demo` has yesterday's figures to post.
func (c *common) seedDemo(ctx context.Context, a *app.App) error {
	if !c.demo {
		return nil
	}
	return demo.Seed(ctx, a.Store, a.Bot, a.DemoSeeders())
}

func lookupEnv(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Log.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))
	}
	return nil
}
