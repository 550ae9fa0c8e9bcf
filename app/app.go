// Package app wires banzu together from its configuration: store, roster,
// bot, outbox, platforms, HTTP routes and the job scheduler. The CLI and the
// end-to-end tests both start banzu through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
	"github.com/banzu-bot/banzu/platform/console"
	"github.com/banzu-bot/banzu/platform/dingtalk"
	"github.com/banzu-bot/banzu/platform/wecom"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/tmpdir"
)

// Options are what the caller decides beyond the config file.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // a fake clock in tests
	Store  store.Store      // an already open store (tests); opened from config when nil
	Owner  string           // this process's id among replicas
	// NoSchedule starts everything but the job scheduler (a manual
	// `banzu job run` must not fire scheduled jobs meanwhile).
	NoSchedule bool
}

// App is a running banzu.
type App struct {
	Cfg       *config.Config
	Log       *slog.Logger
	Store     store.Store
	Directory *bot.Directory
	Bot       *bot.Bot
	Outbox    *bot.Outbox
	Console   *console.Platform
	Jobs      *jobs.Registry
	Mux       *http.ServeMux

	now        func() time.Time
	tmpDir     string // this process's temporary folder (see TempDir)
	ownsStore  bool
	seeders    []demo.Seeder
	listeners  []bot.Listener
	closers    []func() error
	obs        *observability
	noSchedule bool
	origins    *console.Origins // Host and origin checks of the console and API
	storeWatch *storeWatch      // failed store writes: metrics, logs, /readyz

	// The feature handlers that other features, the reports or the HTTP
	// side share (see buildFeatures).
	knowledge  *handlers.Knowledge
	awards     *handlers.Awards
	lessons    *lessonbot.Lessons
	growth     *handlers.Growth
	background []func(ctx context.Context) // the features' tickers (see Feature.Background)

	wecom    *wecom.Platform    // nil unless configured
	dingtalk *dingtalk.Platform // nil unless configured
	access   map[string]access  // path -> who may call it (see routes)
}

// New builds banzu from cfg. The caller must Close it.
func New(ctx context.Context, cfg *config.Config, opts Options) (*App, error) {
	if err := kpi.ValidateTargets(cfg.Targets); err != nil {
		return nil, err
	}
	a := &App{Cfg: cfg, Log: opts.Logger, now: opts.Now, Store: opts.Store, noSchedule: opts.NoSchedule}
	if a.Log == nil {
		a.Log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if cfg.DataDir != "" {
		dir, err := tmpdir.For(cfg.DataDir)
		if err != nil {
			a.Log.Warn("clearing old temporary files", "dir", tmpdir.Root(cfg.DataDir), "error", err)
		}
		a.tmpDir = dir
	}
	if a.Store == nil {
		st, err := OpenStore(cfg)
		if err != nil {
			return nil, err
		}
		a.Store, a.ownsStore = st, true
	}
	if err := a.build(ctx, opts); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, opts Options) error {
	a.storeWatch = newStoreWatch(a.Log, a.now)
	a.Store = a.storeWatch.wrap(a.Store)
	dir, err := bot.NewDirectory(ctx, a.Store, a.Cfg.Teams)
	if err != nil {
		return fmt.Errorf("load roster: %w", err)
	}
	a.Directory = dir
	loc := a.Cfg.Location()
	a.obs = newObservability()
	a.Outbox = bot.NewOutbox(a.Store, nil, bot.OutboxOptions{Owner: opts.Owner, Now: a.now, Logger: a.Log, Delivered: a.obs.delivered})
	cmds := bot.NewCommands()
	a.Bot = bot.New(a.Store, dir, cmds, a.Outbox, bot.Options{
		Workers:        a.Cfg.Bot.Workers,
		HandlerTimeout: time.Duration(a.Cfg.Bot.HandlerTimeout) * time.Second,
		DedupTTL:       time.Duration(a.Cfg.Bot.DedupHours) * time.Hour,
		Location:       loc,
		Now:            a.now,
		Logger:         a.Log,
		Hooks:          a.obs.botHooks(),
	})
	a.Jobs = jobs.NewRegistry()
	a.Mux = http.NewServeMux()
	a.registerGauges()
	a.storeWatch.register(a.obs.reg)
	a.install(cmds)
	a.origins = console.NewOrigins(a.Cfg.Listen, a.Cfg.Console.AllowedHosts)
	if a.Cfg.Console.Enabled {
		a.Console = console.New(a.Store, a.now)
		a.Outbox.AddPlatform(a.Console)
	}
	if err := a.installPlatforms(); err != nil {
		return err
	}
	a.routes()
	return nil
}

// TempDir is where this process writes temporary files (uploads, import
// spools, large workbook sheets): <data_dir>/tmp/<pid>@<host>, cleared of
// dead processes' leftovers at start (see package tmpdir). It is created
// when a file is written; "" means the system's temp folder.
func (a *App) TempDir() string { return a.tmpDir }

// OpenStore opens the store the config names.
func OpenStore(cfg *config.Config) (store.Store, error) {
	switch cfg.Store.Driver {
	case "redis":
		r := cfg.Store.Redis
		st, err := redisstore.Open(redisstore.Options{URL: r.URL, Addrs: r.Addrs, MasterName: r.MasterName,
			Username: r.Username, Password: r.Password, DB: r.DB, Prefix: r.Prefix})
		if err != nil {
			return nil, fmt.Errorf("连接 Redis 失败（store.redis）: %w", err)
		}
		return st, nil
	default:
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("创建数据目录 %s 失败（data_dir）: %w", cfg.DataDir, err)
		}
		st, err := embedded.Open(filepath.Join(cfg.DataDir, "banzu.db"))
		if err != nil {
			return nil, fmt.Errorf("打开数据文件失败（data_dir=%s）: %w", cfg.DataDir, err)
		}
		return st, nil
	}
}

// Handler is banzu's HTTP side: console, API, platform callbacks, health.
func (a *App) Handler() http.Handler {
	return a.guard(a.Mux)
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.Store.Ping(ctx); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

// Start begins handling messages, delivering the outbox and running the
// scheduled jobs. The returned stop finishes in-flight work, delivers what it
// queued and waits for every background goroutine.
func (a *App) Start(ctx context.Context) (stop func(), err error) {
	var teamIDs []string
	perTeam := map[string]map[string]string{}
	for _, t := range a.Directory.Teams() {
		teamIDs = append(teamIDs, t.ID)
		perTeam[t.ID] = t.Config.Schedules
	}
	plan, err := jobs.Plan(a.Jobs, teamIDs, a.Cfg.Schedules, perTeam)
	if err != nil {
		return nil, err
	}
	if a.noSchedule {
		plan = nil
	}
	sched := jobs.NewScheduler(a.Store, plan, a.Cfg.Location(), a.Log)
	sched.OnRun = a.obs.jobRan
	sched.Keyed = bot.WithContentKeys // a slot run again after a crash posts nothing twice
	a.Bot.Start()
	bg, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Outbox.Run(bg)
	}()
	// Listeners (DingTalk stream, WeCom long connection) run on their own
	// context so that stopping can close the intake before the bot stops.
	intake, stopIntake := context.WithCancel(context.Background())
	var bgWG, intakeWG sync.WaitGroup
	for _, l := range a.listeners {
		intakeWG.Add(1)
		go func(l bot.Listener) {
			defer intakeWG.Done()
			a.listen(intake, l)
		}(l)
	}
	for _, run := range a.background {
		bgWG.Add(1)
		go func() {
			defer bgWG.Done()
			run(bg)
		}()
	}
	if err := sched.Start(bg); err != nil {
		stopIntake()
		intakeWG.Wait()
		cancel()
		<-done
		bgWG.Wait()
		a.Bot.Stop()
		return nil, err
	}
	a.obs.ready.Store(true)
	return func() {
		a.obs.ready.Store(false)
		sched.Stop()
		// Close the intake first: no new events from the listeners, and the
		// events platforms already acknowledged (WeCom callbacks answered 200)
		// reach the bot before it stops, instead of being dropped.
		stopIntake()
		intakeWG.Wait()
		a.Bot.Stop() // finish what is in flight; replies land in the outbox
		flushCtx, cancelFlush := context.WithTimeout(context.Background(), 3*time.Second)
		for {
			if n, err := a.Outbox.Flush(flushCtx); n == 0 || err != nil {
				break
			}
		}
		cancelFlush()
		cancel()
		<-done
		bgWG.Wait()
	}, nil
}

// DemoSeeders lists the demo data each feature adds for --demo.
func (a *App) DemoSeeders() []demo.Seeder {
	return a.seeders
}

// Close stops the platforms and releases the store if the app opened it.
func (a *App) Close() error {
	for _, c := range a.closers {
		if err := c(); err != nil {
			a.Log.Warn("close", "error", err)
		}
	}
	a.closers = nil
	if a.tmpDir != "" {
		_ = os.Remove(a.tmpDir) // only when empty: another App of this process may use it
	}
	if a.ownsStore && a.Store != nil {
		return a.Store.Close()
	}
	return nil
}

// ErrUnsafeListen is returned when the console would be exposed without a token.
var ErrUnsafeListen = errors.New("console.token 未设置：本地聊天只在 127.0.0.1 上免登录；监听其他地址时请设置 console.token（或 BANZU_CONSOLE_TOKEN）")

// Now is the app's clock (a fake one in tests) in the configured time zone.
func (a *App) Now() time.Time { return a.now().In(a.Cfg.Location()) }
