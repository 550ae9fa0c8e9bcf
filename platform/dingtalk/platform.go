// Package dingtalk connects banzu to DingTalk (钉钉) as an enterprise internal
// app robot. It receives messages that @ the robot over Stream mode (a
// websocket the bot opens itself, no public URL needed) or HTTP mode (a signed
// callback), and sends replies, group posts, direct messages and files
// through the session webhook and the robot OpenAPI.
//
// The stream protocol is spoken directly over github.com/coder/websocket; the
// official stream SDK is not used because it panics after a network drop.
package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

// Defaults applied by New when the configuration leaves a value empty.
const (
	DefaultMode         = "stream"
	DefaultCallbackPath = "/dingtalk/callback"
	DefaultAPIBase      = "https://api.dingtalk.com"
	DefaultOAPIBase     = "https://oapi.dingtalk.com"

	defaultHTTPTimeout = 15 * time.Second
)

// Modes of receiving messages.
const (
	ModeStream = "stream"
	ModeHTTP   = "http"
)

// Options are the collaborators of a Platform. Every field is optional.
type Options struct {
	// Logger receives the adapter's logs; slog.Default() when nil.
	Logger *slog.Logger
	// HTTPClient makes every HTTP call (token, sends, uploads, the stream's
	// connection request and websocket dial); a client with a 15 s timeout
	// when nil.
	HTTPClient *http.Client
	// Handle stores incoming events durably (the bot's Dispatch); a frame is
	// acknowledged, and an HTTP callback answered 200, only after it returned
	// nil. Listen's accept argument replaces it when not nil.
	Handle bot.Accept
	// Tokens caches access tokens; an in-memory cache when nil.
	Tokens TokenStore
	// Now is the clock; time.Now when nil. Tests pass a fake one.
	Now func() time.Time
	// Backoff paces stream reconnects; DefaultBackoff() fields where zero.
	Backoff Backoff
	// PingInterval is how often the stream client pings the gateway at the
	// websocket level to notice a dead connection; 30 s when zero, negative
	// disables it.
	PingInterval time.Duration
}

// Platform is the DingTalk adapter. It implements bot.Platform, bot.Listener
// and bot.Pacer. Its methods are safe for concurrent use.
type Platform struct {
	cfg     config.DingTalk
	teams   []config.Team
	log     *slog.Logger
	hc      *http.Client
	now     func() time.Time
	backoff Backoff
	pingInt time.Duration

	sink       atomic.Pointer[bot.Accept]
	reconnects atomic.Int64

	tokens   *tokenSource
	convs    *conversations
	listenMu sync.Mutex // one Listen at a time
}

// New builds the adapter. It fills defaults into cfg and fails only on values
// that cannot work (an unknown mode, a malformed base URL); missing
// credentials are reported by Check instead.
func New(cfg config.DingTalk, teams []config.Team, opts Options) (*Platform, error) {
	cfg = withDefaults(cfg)
	if cfg.Mode != ModeStream && cfg.Mode != ModeHTTP {
		return nil, fmt.Errorf("dingtalk: mode must be %q or %q, got %q", ModeStream, ModeHTTP, cfg.Mode)
	}
	for name, base := range map[string]string{"api_base": cfg.APIBase, "oapi_base": cfg.OAPIBase} {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("dingtalk: %s must be an http(s) URL, got %q", name, base)
		}
	}
	if !strings.HasPrefix(cfg.CallbackPath, "/") {
		return nil, errors.New("dingtalk: callback_path must start with /")
	}

	p := &Platform{
		cfg:     cfg,
		teams:   teams,
		log:     opts.Logger,
		hc:      opts.HTTPClient,
		now:     opts.Now,
		backoff: opts.Backoff.withDefaults(),
		pingInt: opts.PingInterval,
		convs:   newConversations(maxLearnedConversations),
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	p.log = p.log.With("platform", "dingtalk")
	if p.hc == nil {
		p.hc = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.pingInt == 0 {
		p.pingInt = 30 * time.Second
	}
	if opts.Handle != nil {
		h := opts.Handle
		p.sink.Store(&h)
	}
	store := opts.Tokens
	if store == nil {
		store = bot.NewMemoryTokens()
	}
	p.tokens = &tokenSource{p: p, store: store, key: "dingtalk:access_token:" + cfg.ClientID}
	return p, nil
}

func withDefaults(cfg config.DingTalk) config.DingTalk {
	if cfg.Mode == "" {
		cfg.Mode = DefaultMode
	}
	if cfg.CallbackPath == "" {
		cfg.CallbackPath = DefaultCallbackPath
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	if cfg.OAPIBase == "" {
		cfg.OAPIBase = DefaultOAPIBase
	}
	if cfg.RobotCode == "" {
		cfg.RobotCode = cfg.ClientID // an internal app robot's robotCode is its AppKey
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	cfg.OAPIBase = strings.TrimRight(cfg.OAPIBase, "/")
	return cfg
}

// Name returns "dingtalk".
func (p *Platform) Name() string { return "dingtalk" }

// Mode returns the receiving mode in use: "stream" or "http".
func (p *Platform) Mode() string { return p.cfg.Mode }

// CallbackPath returns the path the HTTP-mode Handler should be mounted on.
func (p *Platform) CallbackPath() string { return p.cfg.CallbackPath }

// Reconnects returns how many times the stream connection was re-established
// after it ended (errors, drops and server-requested disconnects).
func (p *Platform) Reconnects() int64 { return p.reconnects.Load() }

// errNoHandler refuses events while nothing can store them.
var errNoHandler = errors.New("dingtalk: no handler for incoming events")

// accept stores one event through the sink. A panicking sink is an error,
// never allowed to take the transport down.
func (p *Platform) accept(ctx context.Context, ev bot.Event) (err error) {
	h := p.sink.Load()
	if h == nil {
		return errNoHandler
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dingtalk event handler panicked: %v", r)
		}
	}()
	return (*h)(ctx, ev)
}

// Interface checks.
var (
	_ bot.Platform = (*Platform)(nil)
	_ bot.Listener = (*Platform)(nil)
	_ bot.Pacer    = (*Platform)(nil)
)
