package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// Fallback sees messages that are not commands (a quiz answer, say) and
// reports whether it handled the message.
type Fallback func(ctx context.Context, req *Request) (bool, error)

// Options configure a Bot.
type Options struct {
	Workers        int
	QueueSize      int
	HandlerTimeout time.Duration
	DedupTTL       time.Duration
	Location       *time.Location
	Now            func() time.Time
	Logger         *slog.Logger
	Hooks          Hooks
}

// Hooks let the app count what the bot does (metrics). Every field is optional.
type Hooks struct {
	// Received is called for each event Dispatch accepts (after de-duplication).
	Received func(platform string)
	// Handled is called after each command handler returns.
	Handled func(command string, d time.Duration, failed bool)
}

// Bot turns events into command runs: it de-duplicates, queues, bounds the
// work, times out and recovers handlers, and sends replies through the outbox.
type Bot struct {
	Store     store.Store
	Directory *Directory
	Commands  *Commands
	Outbox    *Outbox

	opts      Options
	log       *slog.Logger
	fallbacks []Fallback

	mu      sync.Mutex
	queue   chan Event
	wg      sync.WaitGroup
	started bool
	closed  bool
}

// New builds a bot. Call Start to begin handling events.
func New(st store.Store, dir *Directory, cmds *Commands, out *Outbox, opts Options) *Bot {
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 1024
	}
	if opts.HandlerTimeout <= 0 {
		opts.HandlerTimeout = 30 * time.Second
	}
	if opts.DedupTTL <= 0 {
		opts.DedupTTL = 24 * time.Hour
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Bot{Store: st, Directory: dir, Commands: cmds, Outbox: out, opts: opts, log: opts.Logger,
		queue: make(chan Event, opts.QueueSize)}
}

// Now is the bot's clock in its time zone.
func (b *Bot) Now() time.Time { return b.opts.Now().In(b.opts.Location) }

// Location is the bot's time zone.
func (b *Bot) Location() *time.Location { return b.opts.Location }

// Logger is the bot's logger.
func (b *Bot) Logger() *slog.Logger { return b.log }

// AddFallback registers a handler for messages that are not commands.
func (b *Bot) AddFallback(f Fallback) { b.fallbacks = append(b.fallbacks, f) }

// Send queues a message for delivery; it is stored before Send returns.
func (b *Bot) Send(ctx context.Context, dest Destination, msg Message) error {
	return b.Outbox.Enqueue(ctx, dest, msg)
}

// Start launches the workers. They run until Stop.
func (b *Bot) Start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started {
		return
	}
	b.started = true
	for i := 0; i < b.opts.Workers; i++ {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			for ev := range b.queue {
				b.handle(ev)
			}
		}()
	}
}

// Stop stops taking events and waits for those in flight to finish.
func (b *Bot) Stop() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	close(b.queue)
	b.mu.Unlock()
	b.wg.Wait()
}

// ErrStopped is returned by Dispatch after Stop.
var ErrStopped = errors.New("bot: stopped")

// ErrBusy is returned by Dispatch when the queue is full.
var ErrBusy = errors.New("bot: queue full")

// Dispatch accepts one event: it drops a duplicate message id, then queues the
// event for a worker. It never blocks on handlers.
func (b *Bot) Dispatch(ctx context.Context, ev Event) error {
	if ev.MessageID != "" {
		first, err := b.Store.FirstSeen(ctx, "msg:"+ev.Platform+":"+ev.MessageID, b.opts.DedupTTL)
		if err != nil {
			return fmt.Errorf("dedup: %w", err)
		}
		if !first {
			b.log.Debug("duplicate message dropped", "platform", ev.Platform, "message_id", ev.MessageID)
			return nil
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrStopped
	}
	select {
	case b.queue <- ev:
		if h := b.opts.Hooks.Received; h != nil {
			h(ev.Platform)
		}
		return nil
	default:
		return ErrBusy
	}
}

// Handle runs one event synchronously (tests and the console use Dispatch).
func (b *Bot) handle(ev Event) {
	ctx, cancel := context.WithTimeout(context.Background(), b.opts.HandlerTimeout)
	defer cancel()
	req := b.newRequest(ev)
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("handler panic", "platform", ev.Platform, "message_id", ev.MessageID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			_ = req.ReplyText(context.Background(), "抱歉，处理这条消息时出错了，已记录，请稍后再试。")
		}
	}()
	b.route(ctx, req)
}

func (b *Bot) newRequest(ev Event) *Request {
	req := &Request{Event: ev, bot: b}
	req.Member = b.Directory.User(ev.Platform, ev.SenderID)
	req.Role = b.Directory.RoleOf(req.Member)
	req.Team = b.Directory.Chat(ev.Platform, ev.ChatID)
	if req.Team == nil && req.Member != nil && len(req.Member.Teams) > 0 {
		req.Team = b.Directory.Team(req.Member.Teams[0])
		req.private = ev.ChatType == ChatSingle
	}
	return req
}

func (b *Bot) route(ctx context.Context, req *Request) {
	name, args, rest, ok := ParseCommand(req.Event.Text)
	if !ok || req.Event.Action != nil {
		for _, f := range b.fallbacks {
			handled, err := f(ctx, req)
			if err != nil {
				b.answerError(ctx, req, err)
				return
			}
			if handled {
				return
			}
		}
		// Only text addressed to the bot gets the hint: in the console's
		// group every message reaches the bot, most of them chatter.
		if req.Event.ChatType == ChatSingle || req.Event.Mentioned {
			// Someone @-ed the bot with plain text: point them at /help.
			if req.Event.Action == nil && req.Event.Text != "" {
				_ = req.ReplyText(ctx, "我是班组助手，发送 /help 查看可用命令。")
			}
		}
		return
	}
	cmd := b.Commands.Lookup(name)
	if cmd == nil {
		msg := fmt.Sprintf("没有 /%s 这个命令。", name)
		if near := b.Commands.ClosestFor(name, req.Role); near != "" {
			msg += fmt.Sprintf("你是不是想用 /%s ？", near)
		}
		_ = req.ReplyText(ctx, msg+"发送 /help 查看可用命令。")
		return
	}
	req.Command, req.Args, req.Rest = cmd, args, rest
	if req.Role < cmd.Role {
		b.log.Warn("command refused", "command", cmd.Name, "platform", req.Event.Platform, "user_id", req.Event.SenderID, "role", req.Role.String(), "needs", cmd.Role.String())
		if req.Member == nil {
			_ = req.ReplyText(ctx, "抱歉，你还不在班组名单中，暂时不能使用这个命令。请联系主管把你加入名单。")
		} else {
			_ = req.ReplyText(ctx, fmt.Sprintf("抱歉，/%s 仅限%s及以上角色使用。如需帮助，请联系你的主管。", cmd.Name, cmd.Role.Label()))
		}
		return
	}
	if cmd.GroupOnly && req.Team == nil {
		_ = req.ReplyText(ctx, "这个命令需要在团队群里使用。")
		return
	}
	if len(args) < cmd.MinArgs {
		_ = req.ReplyText(ctx, cmd.UsageText())
		return
	}
	start := time.Now()
	err := cmd.Handler(ctx, req)
	took := time.Since(start)
	b.log.Info("command handled", "command", cmd.Name, "platform", req.Event.Platform, "user_id", req.Event.SenderID, "duration_ms", took.Milliseconds(), "ok", err == nil)
	if h := b.opts.Hooks.Handled; h != nil {
		h(cmd.Name, took, err != nil)
	}
	if err != nil {
		b.answerError(ctx, req, err)
	}
}

func (b *Bot) answerError(ctx context.Context, req *Request, err error) {
	if u, ok := isUsage(err); ok {
		text := req.Command.UsageText()
		if u.Msg != "" {
			text = u.Msg + "\n" + text
		}
		_ = req.ReplyText(ctx, text)
		return
	}
	var ue *UserError
	if errors.As(err, &ue) {
		_ = req.ReplyText(ctx, ue.Msg)
		return
	}
	if errors.Is(err, context.DeadlineExceeded) {
		b.log.Error("handler timed out", "message_id", req.Event.MessageID, "error", err)
		_ = req.ReplyText(context.Background(), "抱歉，处理超时了，请稍后再试。")
		return
	}
	b.log.Error("handler failed", "message_id", req.Event.MessageID, "error", err)
	_ = req.ReplyText(context.Background(), "抱歉，处理时出错了，已记录，请稍后再试。")
}
