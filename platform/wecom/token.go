package wecom

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// tokenSource fetches and caches the self-built app's access_token. Fetches
// are serialised so a burst of sends makes one gettoken call.
type tokenSource struct {
	p     *Platform
	store TokenStore
	mu    sync.Mutex
}

func newTokenSource(p *Platform, s TokenStore) *tokenSource {
	return &tokenSource{p: p, store: s}
}

// errAppNotConfigured means corp_id, corp_secret or agent_id is missing.
var errAppNotConfigured = errors.New("wecom: self-built app not configured (corp_id, corp_secret, agent_id)")

func (t *tokenSource) key() string {
	return "banzu:wecom:access_token:" + t.p.cfg.CorpID + ":" + strconv.Itoa(t.p.cfg.AgentID)
}

// cached returns the cached token, or "" when there is none, it expired or
// the cache cannot be read.
func (t *tokenSource) cached(ctx context.Context) string {
	tok, exp, err := t.store.Get(ctx, t.key())
	if err != nil || tok == "" || !t.p.now().Before(exp) {
		return ""
	}
	return tok
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
	if err := t.store.Put(ctx, t.key(), res.AccessToken, t.p.now().Add(ttl)); err != nil {
		t.p.log.Warn("wecom access token not cached", "error", err)
	}
	return res.AccessToken, nil
}

// invalidate drops tok from the cache unless another caller already replaced it.
func (t *tokenSource) invalidate(ctx context.Context, tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cached(ctx) == tok {
		if err := t.store.Put(ctx, t.key(), "", time.Time{}); err != nil {
			t.p.log.Warn("wecom access token not dropped", "error", err)
		}
	}
}
