// Package bottest wires a bot to the embedded store and the console for a
// feature's tests, without the app: a test adds the commands, jobs or demo
// seeders it wants to exercise, starts the rig and talks to it as the demo
// team's members would (as go-joe/joe's joetest does for joe).
//
//	r := bottest.New(t)
//	r.Add(myFeature.Commands()...)
//	r.Start()
//	reply := r.Ask("presale", "chen", "/kpi")
package bottest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/platform/console"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

// Rig is a bot on an embedded store with the console as its platform. The
// demo roster is its directory: teams presale (陈主管 chen, agents xiaowang,
// xiaoli, …, manager zhao) and aftersale (林主管 lin, …).
type Rig struct {
	T        testing.TB
	Cfg      *config.Config
	Store    store.Store
	Dir      *bot.Directory
	Commands *bot.Commands
	Bot      *bot.Bot
	Outbox   *bot.Outbox
	Console  *console.Platform
	Server   *console.Server
	Clock    *Clock

	started bool
	stop    func()
}

// Option changes the rig before it is built.
type Option func(*setup)

type setup struct {
	cfg   func(*config.Config)
	clock *Clock
	store store.Store
}

// WithConfig edits the config (demo teams already in it) before the rig is
// built.
func WithConfig(f func(*config.Config)) Option { return func(s *setup) { s.cfg = f } }

// At runs the rig on a fake clock starting at t (Asia/Shanghai unless t says
// otherwise); move it with r.Clock.Advance or Set.
func At(t time.Time) Option { return func(s *setup) { s.clock = NewClock(t) } }

// WithStore runs the rig on st (a Redis store, say) instead of a fresh
// embedded one; the caller closes it.
func WithStore(st store.Store) Option { return func(s *setup) { s.store = st } }

// New builds a rig; call Add, then Start. Everything is closed when the test
// ends.
func New(t testing.TB, opts ...Option) *Rig {
	t.Helper()
	var s setup
	for _, o := range opts {
		o(&s)
	}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	demo.Apply(cfg)
	if s.cfg != nil {
		s.cfg(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("bottest: config: %v", err)
	}
	r := &Rig{T: t, Cfg: cfg, Clock: s.clock, Store: s.store}
	if r.Store == nil {
		st, err := embedded.Open(filepath.Join(cfg.DataDir, "banzu.db"))
		if err != nil {
			t.Fatalf("bottest: open store: %v", err)
		}
		r.Store = st
		t.Cleanup(func() { st.Close() })
	}
	ctx := context.Background()
	dir, err := bot.NewDirectory(ctx, r.Store, cfg.Teams)
	if err != nil {
		t.Fatalf("bottest: roster: %v", err)
	}
	r.Dir = dir
	now := time.Now
	if r.Clock != nil {
		now = r.Clock.Now
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	r.Console = console.New(r.Store, now)
	r.Outbox = bot.NewOutbox(r.Store, []bot.Platform{r.Console}, bot.OutboxOptions{Now: now, Logger: log, Poll: 10 * time.Millisecond})
	r.Commands = bot.NewCommands()
	r.Bot = bot.New(r.Store, dir, r.Commands, r.Outbox, bot.Options{Location: cfg.Location(), Now: now, Logger: log})
	r.Server = console.NewServer(r.Console, dir, r.Bot)
	t.Cleanup(r.close)
	return r
}

// Inbox is the console chat id of member id's private chat with the bot.
func Inbox(id string) string { return console.InboxPrefix + id }

// Add registers commands; call it before Start.
func (r *Rig) Add(cmds ...*bot.Command) { r.Commands.Add(cmds...) }

// Seed runs demo seeders (once per store, as banzu does).
func (r *Rig) Seed(seeders ...demo.Seeder) {
	r.T.Helper()
	if err := demo.Seed(context.Background(), r.Store, r.Bot, seeders); err != nil {
		r.T.Fatalf("bottest: seed: %v", err)
	}
}

// Start begins handling messages and delivering the outbox.
func (r *Rig) Start() {
	if r.started {
		return
	}
	r.started = true
	r.Bot.Start()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.Outbox.Run(ctx)
	}()
	r.stop = func() {
		r.Bot.Stop()
		cancel()
		wg.Wait()
	}
}

func (r *Rig) close() {
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

// Say posts text into chat (a team id for the team's group, or Inbox(id)
// for a member's private chat with the bot) as user, and returns the id of
// the posted message. The text counts as addressed to the bot.
func (r *Rig) Say(chat, user, text string) int64 {
	r.T.Helper()
	if !r.started {
		r.T.Fatal("bottest: Say before Start")
	}
	id, err := r.Server.RunAs(context.Background(), chat, user, text)
	if err != nil {
		r.T.Fatalf("bottest: say %q in %s as %s: %v", text, chat, user, err)
	}
	return id
}

// Ask says text and returns the bot's first reply to it as user sees it in
// chat (a private acknowledgement included). Earlier work is drained first,
// so the reply is this message's.
func (r *Rig) Ask(chat, user, text string) string {
	r.T.Helper()
	r.Drain()
	after := r.Say(chat, user, text)
	r.Drain()
	for _, e := range r.View(chat, user, after) {
		if e.From == "bot" {
			return Text(e)
		}
	}
	r.T.Fatalf("bottest: no reply to %q in %s as %s", text, chat, user)
	return ""
}

// Drain waits until every event taken in is handled and every message it
// queued is delivered.
func (r *Rig) Drain() {
	r.T.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		in, err := r.Store.Inbox().Stats(ctx)
		if err != nil || in.Waiting+in.Taken > 0 {
			continue
		}
		if depth, _, err := r.Store.Outbox().Stats(ctx); err == nil && depth == 0 {
			return
		}
	}
	r.T.Fatal("bottest: inbox and outbox did not drain")
}

// Messages is everything in chat after message id after, as stored
// (private entries included, each with its OnlyFor).
func (r *Rig) Messages(chat string, after int64) []console.Entry {
	r.T.Helper()
	es, err := r.Console.Messages(context.Background(), chat, after, 10000)
	if err != nil {
		r.T.Fatalf("bottest: messages: %v", err)
	}
	return es
}

// View is chat after message id after as viewer sees it (cards as updated
// for them, others' private entries left out).
func (r *Rig) View(chat, viewer string, after int64) []console.Entry {
	r.T.Helper()
	es, err := r.Console.View(context.Background(), chat, viewer, after, 10000)
	if err != nil {
		r.T.Fatalf("bottest: view: %v", err)
	}
	return es
}

// BotSaid is every bot message in chat's history that everyone sees, as text.
func (r *Rig) BotSaid(chat string) []string {
	var out []string
	for _, e := range r.Messages(chat, 0) {
		if e.From == "bot" && len(e.OnlyFor) == 0 {
			out = append(out, Text(e))
		}
	}
	return out
}

// Text is what an entry shows: its text or markdown, a card's title, text
// and option labels, or a file's name.
func Text(e console.Entry) string {
	var b strings.Builder
	b.WriteString(e.Text)
	b.WriteString(e.Markdown)
	if c := e.Card; c != nil {
		b.WriteString(c.Title + "\n" + c.Text)
		for _, o := range c.Options {
			b.WriteString("\n" + o.ID + " " + o.Label)
		}
	}
	if e.File != nil {
		b.WriteString("[文件] " + e.File.Name)
	}
	return b.String()
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
