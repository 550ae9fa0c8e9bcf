// Package wecom is banzu's WeCom (企业微信) adapter.
//
// Three WeCom mechanisms work together:
//
//   - the intelligent robot (智能机器人) receives the messages that @ it in a
//     group. In long-connection mode (ModeLongConn, the default when
//     wecom.aibot.bot_id and secret are set; longconn*.go) one outgoing
//     WebSocket carries them, the replies (aibot_respond_msg), scheduled
//     posts (aibot_send_msg), files (chunked upload) and template cards; no
//     public URL is needed. In callback mode they arrive encrypted on an HTTP
//     callback (Handler), each with a response_url usable once within an
//     hour to answer it;
//   - each team's group robot (群机器人) webhook posts into the group
//     (scheduled posts, files, and answers whose response_url is gone);
//   - the self-built app (自建应用) sends direct messages and files to one user
//     (a manager receiving a workbook, say).
//
// Every call goes to config.WeCom.APIBase, so tests point the adapter at an
// httptest server. The adapter speaks those few HTTP calls itself with the
// injected *http.Client instead of going through silenceper/wechat's clients:
// they hard-code qyapi.weixin.qq.com, use the process-global
// util.DefaultHTTPClient (no timeout) and take no context, and redirecting them
// needs util.SetURIModifier, another process global. From silenceper/wechat it
// keeps the signature and encryption helpers. The adapter knows no store: the
// core shares the access token and the long connection's lease between
// replicas through the small TokenStore and LeaseStore interfaces.
package wecom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

// Defaults used when the configuration leaves a value empty.
const (
	DefaultAPIBase      = "https://qyapi.weixin.qq.com"
	DefaultCallbackPath = "/wecom/aibot"
)

// Options carries the adapter's collaborators. Every field is optional.
type Options struct {
	// Logger receives the adapter's logs; slog.Default() when nil.
	Logger *slog.Logger
	// HTTPClient makes every outgoing call; a client with a 15 s timeout when nil.
	HTTPClient *http.Client
	// Tokens, when set, holds the self-built app's access token so replicas
	// share it; an in-process cache when nil.
	Tokens TokenStore
	// Handle stores every incoming event durably (the bot's Dispatch). A
	// callback is answered 200, and a long-connection frame taken, only after
	// it returned nil; on an error the callback is answered 503 so that WeCom
	// sends it again.
	Handle bot.Accept
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Leases, when set, coordinates replicas in long-connection mode: one
	// process holds the connection through a lease in it (see Listen).
	// Without it the process connects on its own.
	Leases LeaseStore
	// Owner names this process in the lease; a random id when empty.
	Owner string
	// LongConn paces the long connection; DefaultLongConnTuning for zero fields.
	LongConn LongConnTuning
}

// Platform is the WeCom adapter. It implements bot.Platform and bot.Pacer and
// serves the intelligent robot's callback through Handler.
type Platform struct {
	cfg     config.WeCom
	teams   []config.Team
	log     *slog.Logger
	hc      *http.Client
	now     func() time.Time
	crypt   *cryptor // nil when the callback is not configured
	tokens  *tokenSource
	replies *replyTracker
	mode    string
	lc      *longConn
	sink    atomic.Pointer[bot.Accept]
}

// New builds the adapter and starts the goroutines that feed opts.Handle; stop
// them with Close. It fails only on configuration that cannot work (a
// malformed encoding_aes_key); missing parts are reported by Check.
func New(cfg config.WeCom, teams []config.Team, opts Options) (*Platform, error) {
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	if cfg.AIBot.CallbackPath == "" {
		cfg.AIBot.CallbackPath = DefaultCallbackPath
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger.With("platform", "wecom")
	p := &Platform{
		cfg:     cfg,
		teams:   teams,
		log:     log,
		hc:      opts.HTTPClient,
		now:     opts.Now,
		replies: newReplyTracker(),
		mode:    ModeOf(cfg),
	}
	owner := opts.Owner
	if owner == "" {
		host, _ := os.Hostname()
		owner = fmt.Sprintf("%s-%d-%d", host, os.Getpid(), rand.Int64())
	}
	wsURL := cfg.AIBot.WSURL
	if wsURL == "" {
		wsURL = DefaultWSURL
	}
	tune := opts.LongConn
	if tune.Takeover == 0 && cfg.AIBot.ReconnectAfterKick > 0 {
		tune.Takeover = time.Duration(cfg.AIBot.ReconnectAfterKick) * time.Minute
	}
	p.lc = &longConn{tune: tune.withDefaults(), url: wsURL, st: opts.Leases, owner: owner,
		started: time.Now(), wake: make(chan struct{}, 1)}
	if cfg.AIBot.Token != "" || cfg.AIBot.EncodingAESKey != "" {
		c, err := newCryptor(cfg.AIBot.Token, cfg.AIBot.EncodingAESKey, "")
		if err != nil {
			return nil, fmt.Errorf("wecom: aibot callback: %w", err)
		}
		p.crypt = c
	}
	tokens := opts.Tokens
	if tokens == nil {
		tokens = bot.NewMemoryTokens()
	}
	p.tokens = newTokenSource(p, tokens)
	handle := opts.Handle
	if handle == nil {
		handle = func(context.Context, bot.Event) error { return errNoHandler }
	}
	p.sink.Store(&handle)
	return p, nil
}

// Name returns "wecom".
func (p *Platform) Name() string { return "wecom" }

// CallbackPath is the path Handler expects to be mounted at.
func (p *Platform) CallbackPath() string { return p.cfg.AIBot.CallbackPath }

// errNoHandler refuses events while nothing can store them.
var errNoHandler = errors.New("wecom: no handler for incoming events")

// accept stores ev through Handle (or Listen's accept).
func (p *Platform) accept(ctx context.Context, ev bot.Event) error {
	return (*p.sink.Load())(ctx, ev)
}

// Close releases nothing today: events are stored before a callback is
// answered, so there is no queue to drain.
func (p *Platform) Close() error { return nil }

// errNoChannel is returned (as a PermanentError) when no WeCom channel can
// reach a destination.
var errNoChannel = errors.New("wecom: no channel reaches the destination (no usable response_url, no team webhook, no user)")

// teamFor finds the team of a destination by team id, then by chat id.
func (p *Platform) teamFor(dest bot.Destination) (config.Team, bool) {
	if dest.TeamID != "" {
		for _, t := range p.teams {
			if t.ID == dest.TeamID {
				return t, true
			}
		}
	}
	if dest.ChatID != "" {
		for _, t := range p.teams {
			if t.WeCom.ChatID == dest.ChatID {
				return t, true
			}
		}
	}
	return config.Team{}, false
}

// webhookKey is the group robot webhook key that reaches dest, or "".
func (p *Platform) webhookKey(dest bot.Destination) string {
	t, ok := p.teamFor(dest)
	if !ok {
		return ""
	}
	return t.WeCom.WebhookKey
}
