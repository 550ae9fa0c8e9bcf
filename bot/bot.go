package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// Fallback sees messages that are not commands (a quiz answer, say) and
// reports whether it handled the message.
type Fallback func(ctx context.Context, req *Request) (bool, error)

// Options configure a Bot.
type Options struct {
	// Workers is how many events are handled at once; 64 when zero (handlers
	// mostly wait on the store, and more of them share its commits).
	Workers int
	// HeavyWorkers is how many Heavy commands run at once; 2 when zero.
	HeavyWorkers   int
	HandlerTimeout time.Duration
	DedupTTL       time.Duration
	// Consumer names this process among the inbox's consumers; a random id
	// when empty.
	Consumer string
	// Takeover is how long an event taken by a worker may go without a sign
	// of life (a crash) before another worker, here or in another replica,
	// takes it over; 10 s when zero.
	Takeover time.Duration
	// MaxAttempts is how many times an event is tried (panics, failures,
	// crashes) before it goes to the dead-letter ledger; 3 when zero.
	MaxAttempts int
	Location    *time.Location
	Now         func() time.Time
	Logger      *slog.Logger
	Hooks       Hooks
}

// Hooks let the app count what the bot does (metrics). Every field is optional.
type Hooks struct {
	// Received is called for each event Dispatch accepts (after de-duplication).
	Received func(platform string)
	// Handled is called after each command handler returns.
	Handled func(command string, d time.Duration, failed bool)
	// Dead is called when an event is given up on (dead-letter ledger).
	Dead func(platform string)
}

// Bot turns events into command runs. Dispatch stores each event in the
// store's durable inbox (de-duplicated in the same write); workers take
// events from the inbox, run them with a time limit and panic recovery, and
// remove them only once handled, so an event a platform was told we have
// survives a crash. Replies go through the outbox with a key derived from
// the event, so an event handled again after a crash does not post twice.
type Bot struct {
	Store     store.Store
	Directory *Directory
	Commands  *Commands
	Outbox    *Outbox

	opts      Options
	log       *slog.Logger
	fallbacks []Fallback
	inbox     store.Inbox

	mu       sync.Mutex
	started  bool
	closed   bool
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	inflight map[string]struct{} // inbox ids being handled here (or waiting in a lane)
	lanes    lanes
	heavy    chan struct{} // slots for Heavy commands
}

// New builds a bot. Call Start to begin handling events.
func New(st store.Store, dir *Directory, cmds *Commands, out *Outbox, opts Options) *Bot {
	DefaultTo(&opts.Workers, 64)
	DefaultTo(&opts.HeavyWorkers, 2)
	DefaultTo(&opts.HandlerTimeout, 30*time.Second)
	DefaultTo(&opts.DedupTTL, 24*time.Hour)
	DefaultTo(&opts.Takeover, 10*time.Second)
	DefaultTo(&opts.MaxAttempts, 3)
	if opts.Consumer == "" {
		host, _ := os.Hostname()
		opts.Consumer = fmt.Sprintf("%s-%d-%x", host, os.Getpid(), rand.Uint32())
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
		inbox: st.Inbox(), inflight: map[string]struct{}{}, lanes: newLanes(), heavy: make(chan struct{}, opts.HeavyWorkers)}
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

func (b *Bot) newRequest(ctx context.Context, ev Event) *Request {
	req := &Request{Event: ev, bot: b}
	req.Member = b.Directory.User(ev.Platform, ev.SenderID)
	req.Role = b.Directory.RoleOf(req.Member)
	b.bindChat(ctx, ev, req.Member)
	req.Team = b.Directory.Chat(ev.Platform, ev.ChatID)
	if req.Team == nil && req.Member != nil && len(req.Member.Teams) > 0 {
		req.Team = b.Directory.Team(req.Member.Teams[0])
		req.private = ev.ChatType == ChatSingle
	}
	return req
}

// bindChat learns which team an unknown group belongs to: the sender's only
// team. Every platform's events pass here, the console's too.
func (b *Bot) bindChat(ctx context.Context, ev Event, m *Member) {
	if ev.ChatType != ChatGroup || ev.ChatID == "" || m == nil || len(m.Teams) != 1 || b.Directory.Chat(ev.Platform, ev.ChatID) != nil {
		return
	}
	if err := b.Directory.BindChat(ctx, ev.Platform, ev.ChatID, m.Teams[0]); err != nil {
		b.log.Warn("could not remember the group's team", "platform", ev.Platform, "chat_id", ev.ChatID, "error", err)
		return
	}
	b.log.Info("group bound to team", "platform", ev.Platform, "chat_id", ev.ChatID, "team_id", m.Teams[0])
}

// route runs the command or the fallbacks for req. It returns "" when the
// event was dealt with and the reason when it failed.
func (b *Bot) route(ctx context.Context, req *Request) string {
	name, args, rest, ok := ParseCommand(req.Event.Text)
	if !ok || req.Event.Action != nil {
		for _, f := range b.fallbacks {
			handled, err := f(ctx, req)
			if err != nil {
				return b.answerError(ctx, req, err)
			}
			if handled {
				return ""
			}
		}
		// Only text addressed to the bot gets the hint: in the console's
		// group every message reaches the bot, most of them chatter.
		if req.Event.ChatType == ChatSingle || req.Event.Mentioned {
			// Someone @-ed the bot with plain text: point them at /help.
			if req.Event.Action == nil && req.Event.Text != "" {
				return replied(req.tell(ctx, "我是班组助手，发送 /help 查看可用命令。"))
			}
		}
		return ""
	}
	cmd := b.Commands.Lookup(name)
	if cmd == nil {
		msg := fmt.Sprintf("没有 /%s 这个命令。", name)
		if near := b.Commands.ClosestFor(name, req.Role); near != "" {
			msg += fmt.Sprintf("你是不是想用 /%s ？", near)
		}
		return replied(req.tell(ctx, msg+"发送 /help 查看可用命令。"))
	}
	req.Command, req.Args, req.Rest = cmd, args, rest
	if req.Role < cmd.Role {
		b.log.Warn("command refused", "command", cmd.Name, "platform", req.Event.Platform, "user_id", req.Event.SenderID, "role", req.Role.String(), "needs", cmd.Role.String())
		if req.Member == nil {
			return replied(req.tell(ctx, "抱歉，你还不在班组名单中，暂时不能使用这个命令。请联系主管把你加入名单。"))
		}
		return replied(req.tell(ctx, fmt.Sprintf("抱歉，/%s 仅限%s及以上角色使用。如需帮助，请联系你的主管。", cmd.Name, cmd.Role.Label())))
	}
	if cmd.GroupOnly && req.Team == nil {
		return replied(req.tell(ctx, "这个命令需要在团队群里使用。"))
	}
	if len(args) < cmd.MinArgs {
		return replied(req.tell(ctx, cmd.UsageText()))
	}
	if cmd.Heavy {
		select {
		case b.heavy <- struct{}{}:
			defer func() { <-b.heavy }()
		case <-ctx.Done():
			return reasonTimeout + "waiting for a heavy-command slot"
		}
	}
	start := time.Now()
	err := cmd.Handler(ctx, req)
	took := time.Since(start)
	b.log.Info("command handled", "command", cmd.Name, "platform", req.Event.Platform, "user_id", req.Event.SenderID, "duration_ms", took.Milliseconds(), "ok", err == nil)
	if h := b.opts.Hooks.Handled; h != nil {
		h(cmd.Name, took, err != nil)
	}
	if err != nil {
		return b.answerError(ctx, req, err)
	}
	return ""
}

// reasonTimeout starts the failure reason of a handler that ran out of time.
const reasonTimeout = "timed out: "

// replied turns a failed reply (the outbox could not store it) into a
// failure, so the event is tried again rather than left unanswered.
func replied(err error) string {
	if err != nil {
		return "reply not queued: " + err.Error()
	}
	return ""
}

// answerError explains a user's mistake and reports anything else as a
// failure to be tried again (the last failure is explained when the event is
// given up).
func (b *Bot) answerError(ctx context.Context, req *Request, err error) string {
	if u, ok := isUsage(err); ok {
		text := req.Command.UsageText()
		if u.Msg != "" {
			text = u.Msg + "\n" + text
		}
		return replied(req.tell(ctx, text))
	}
	var ue *UserError
	if errors.As(err, &ue) {
		return replied(req.tell(ctx, ue.Msg))
	}
	if errors.Is(err, context.DeadlineExceeded) {
		b.log.Error("handler timed out", "msg_id", req.Event.MessageID, "error", err)
		return reasonTimeout + err.Error()
	}
	b.log.Error("handler failed", "msg_id", req.Event.MessageID, "error", err)
	return err.Error()
}
