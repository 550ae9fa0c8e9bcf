package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

const (
	pathAccessToken = "/v1.0/oauth2/accessToken"
	// tokenRefreshMargin renews a cached token this long before it expires.
	tokenRefreshMargin = 5 * time.Minute
	defaultTokenTTL    = 2 * time.Hour
)

// TokenStore caches access tokens by key. Get returns an empty token when it
// holds none; Put with an empty token forgets the key. The default keeps
// tokens in memory; the core may back it with the store so replicas share one
// token.
type TokenStore interface {
	Get(ctx context.Context, key string) (token string, expires time.Time, err error)
	Put(ctx context.Context, key, token string, expires time.Time) error
}

// tokenSource hands out the app's access token, fetching it when the cache
// has none or it expires within tokenRefreshMargin. One fetch at a time.
type tokenSource struct {
	p     *Platform
	store TokenStore
	key   string
	mu    sync.Mutex
}

func (t *tokenSource) token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.p.now()
	tok, exp, err := t.store.Get(ctx, t.key)
	if err != nil {
		t.p.log.Warn("dingtalk token cache read failed", "error", err.Error())
	} else if tok != "" && now.Add(tokenRefreshMargin).Before(exp) {
		return tok, nil
	}
	tok, ttl, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	if err := t.store.Put(ctx, t.key, tok, now.Add(ttl)); err != nil {
		t.p.log.Warn("dingtalk token cache write failed", "error", err.Error())
	}
	return tok, nil
}

// drop forgets bad if it is still the cached token.
func (t *tokenSource) drop(ctx context.Context, bad string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok, _, err := t.store.Get(ctx, t.key); err == nil && tok == bad {
		if err := t.store.Put(ctx, t.key, "", time.Time{}); err != nil {
			t.p.log.Warn("dingtalk token cache drop failed", "error", err.Error())
		}
	}
}

func (t *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	cfg := t.p.cfg
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return "", 0, &bot.PermanentError{Err: errors.New("dingtalk: client_id and client_secret are needed for an access token")}
	}
	body, _ := json.Marshal(map[string]string{"appKey": cfg.ClientID, "appSecret": cfg.ClientSecret})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.APIBase+pathAccessToken, bytes.NewReader(body))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, respBody, err := t.p.doHTTP("oauth2/accessToken", req)
	if err != nil {
		return "", 0, err
	}
	if err := checkV1("oauth2/accessToken", resp, respBody); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			ae.Auth = false // a refused app secret is not a stale token
		}
		return "", 0, err
	}
	var out struct {
		AccessToken string `json:"accessToken"`
		ExpireIn    int64  `json:"expireIn"`
	}
	if err := json.Unmarshal(respBody, &out); err != nil || out.AccessToken == "" {
		return "", 0, &apiError{Op: "oauth2/accessToken", Status: resp.StatusCode, Message: "no accessToken in " + snippet(respBody)}
	}
	ttl := time.Duration(out.ExpireIn) * time.Second
	if ttl <= 0 {
		ttl = defaultTokenTTL
	}
	t.p.log.Info("dingtalk access token fetched", "expires_in_s", int64(ttl.Seconds()))
	return out.AccessToken, ttl, nil
}

// withToken runs call with the access token; when the token is refused it is
// dropped and call runs once more with a fresh one.
func (p *Platform) withToken(ctx context.Context, call func(token string) error) error {
	tok, err := p.tokens.token(ctx)
	if err != nil {
		return err
	}
	err = call(tok)
	if !isAuthError(err) {
		return err
	}
	p.log.Warn("dingtalk access token refused, fetching a new one", "error", err.Error())
	p.tokens.drop(ctx, tok)
	if tok, err = p.tokens.token(ctx); err != nil {
		return err
	}
	if err = call(tok); err != nil && isAuthError(err) {
		return &bot.PermanentError{Err: fmt.Errorf("access token refused twice: %w", err)}
	}
	return err
}
