package wecom

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-redis/redis/v8"
	"github.com/silenceper/wechat/v2/cache"

	"github.com/banzu-bot/banzu/bot"
)

// newTokenCache is silenceper's Redis cache over rc, or its memory cache.
func newTokenCache(rc redis.UniversalClient) cache.Cache {
	if rc == nil {
		return cache.NewMemory()
	}
	// NewRedis always builds its own client; it never dials (connections are
	// lazy) and, with IdleTimeout -1, starts no reaper goroutine. SetConn
	// replaces it with the shared client.
	c := cache.NewRedis(context.Background(), &cache.RedisOpts{Host: "unused:0", IdleTimeout: -1})
	c.SetConn(rc)
	return c
}

// tokenSource fetches and caches the self-built app's access_token. Fetches
// are serialised so a burst of sends makes one gettoken call.
type tokenSource struct {
	p     *Platform
	cache cache.Cache
	mu    sync.Mutex
}

func newTokenSource(p *Platform, c cache.Cache) *tokenSource {
	return &tokenSource{p: p, cache: c}
}

// errAppNotConfigured means corp_id, corp_secret or agent_id is missing.
var errAppNotConfigured = errors.New("wecom: self-built app not configured (corp_id, corp_secret, agent_id)")

func (t *tokenSource) key() string {
	return "banzu:wecom:access_token:" + t.p.cfg.CorpID + ":" + strconv.Itoa(t.p.cfg.AgentID)
}

// cached returns the cached token or "".
func (t *tokenSource) cached(ctx context.Context) string {
	v, _ := cache.GetContext(ctx, t.cache, t.key()).(string)
	return v
}

// get returns a valid access token, fetching one when none is cached.
func (t *tokenSource) get(ctx context.Context) (string, error) {
	cfg := t.p.cfg
	if cfg.CorpID == "" || cfg.CorpSecret == "" || cfg.AgentID == 0 {
		return "", &bot.PermanentError{Err: errAppNotConfigured}
	}
	if tok := t.cached(ctx); tok != "" {
		return tok, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok := t.cached(ctx); tok != "" {
		return tok, nil
	}
	q := url.Values{"corpid": {cfg.CorpID}, "corpsecret": {cfg.CorpSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.APIBase+"/cgi-bin/gettoken?"+q.Encode(), nil)
	if err != nil {
		return "", &bot.PermanentError{Err: err}
	}
	var res struct {
		apiResult
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := t.p.do(req, "gettoken", &res); err != nil {
		return "", asSendError(err)
	}
	if res.AccessToken == "" {
		return "", &bot.RetryError{Err: errors.New("wecom gettoken: answer has no access_token")}
	}
	// Keep a margin so a token is never used in its last minutes.
	ttl := time.Duration(res.ExpiresIn)*time.Second - 5*time.Minute
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := cache.SetContext(ctx, t.cache, t.key(), res.AccessToken, ttl); err != nil {
		t.p.log.Warn("wecom access token not cached", "error", err)
	}
	return res.AccessToken, nil
}

// invalidate drops tok from the cache unless another caller already replaced it.
func (t *tokenSource) invalidate(ctx context.Context, tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cached(ctx) == tok {
		if err := cache.DeleteContext(ctx, t.cache, t.key()); err != nil {
			t.p.log.Warn("wecom access token not dropped", "error", err)
		}
	}
}
