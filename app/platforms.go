package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/platform/dingtalk"
	"github.com/banzu-bot/banzu/platform/wecom"
	"github.com/banzu-bot/banzu/store"
)

// wecomEnabled reports whether any WeCom ability is configured.
func wecomEnabled(cfg *config.Config) bool {
	w := cfg.WeCom
	if w.AIBot.Token != "" || w.AIBot.EncodingAESKey != "" || w.AIBot.BotID != "" || w.CorpSecret != "" {
		return true
	}
	for _, t := range cfg.Teams {
		if t.WeCom.WebhookKey != "" {
			return true
		}
	}
	return false
}

// dingtalkEnabled reports whether the DingTalk app is configured.
func dingtalkEnabled(cfg *config.Config) bool { return cfg.DingTalk.ClientID != "" }

// platformChecks reports what each chat platform's configuration enables.
func platformChecks(cfg *config.Config) []string {
	var out []string
	if wecomEnabled(cfg) {
		mode := "回调"
		if wecom.ModeOf(cfg.WeCom) == wecom.ModeLongConn {
			mode = "长连接"
		}
		out = append(out, "企业微信：已配置（智能机器人"+mode+"模式）")
		out = append(out, wecom.Check(cfg.WeCom, cfg.Teams)...)
	} else {
		out = append(out, "企业微信：未配置（wecom.*）")
	}
	if dingtalkEnabled(cfg) {
		out = append(out, "钉钉：已配置（"+dingtalkMode(cfg)+" 模式）")
		out = append(out, dingtalk.Check(cfg.DingTalk, cfg.Teams)...)
	} else {
		out = append(out, "钉钉：未配置（dingtalk.client_id 等）")
	}
	return out
}

func dingtalkMode(cfg *config.Config) string {
	if cfg.DingTalk.Mode == "" {
		return dingtalk.DefaultMode
	}
	return cfg.DingTalk.Mode
}

// installPlatforms adds the configured chat platforms: their senders to the
// outbox, their listeners to Start; routes mounts their callbacks.
func (a *App) installPlatforms() error {
	if wecomEnabled(a.Cfg) {
		// The store coordinates replicas in long-connection mode: one of them
		// holds the connection (a lease), and it follows the outbox's sender
		// so that replies go out on the connection that received the
		// message (see wecom.Platform.Listen).
		// Replicas share one access token through the store.
		opts := wecom.Options{Logger: a.Log, Now: a.now, Handle: a.Bot.Dispatch,
			Leases: storeLeases{a.Store}, Tokens: storeTokens{a.Store}}
		p, err := wecom.New(a.Cfg.WeCom, a.Cfg.Teams, opts)
		if err != nil {
			return err
		}
		a.Outbox.AddPlatform(p)
		a.wecom = p
		a.closers = append(a.closers, p.Close)
		a.obs.reconnects = append(a.obs.reconnects, func() (string, int64) { return "wecom", p.Reconnects() })
		if p.Mode() == wecom.ModeLongConn {
			a.obs.downs = append(a.obs.downs, platformDown{"wecom", p.Kicked, p.Kicks, p.UndecodableFrames})
			a.listeners = append(a.listeners, p)
			a.Log.Info("wecom enabled", "mode", p.Mode(), "bot_id", a.Cfg.WeCom.AIBot.BotID)
		} else {
			a.Log.Info("wecom enabled", "mode", p.Mode(), "callback_path", p.CallbackPath())
		}
	}
	if dingtalkEnabled(a.Cfg) {
		p, err := dingtalk.New(a.Cfg.DingTalk, a.Cfg.Teams, dingtalk.Options{
			Logger: a.Log, Now: a.now, Handle: a.Bot.Dispatch, Tokens: storeTokens{a.Store},
		})
		if err != nil {
			return err
		}
		a.Outbox.AddPlatform(p)
		a.obs.reconnects = append(a.obs.reconnects, func() (string, int64) { return "dingtalk", p.Reconnects() })
		a.dingtalk = p
		if p.Mode() != dingtalk.ModeHTTP {
			a.listeners = append(a.listeners, p)
		}
		a.Log.Info("dingtalk enabled", "mode", p.Mode())
	}
	return nil
}

// listen runs a platform's own connection until ctx ends, restarting it
// after an unexpected return.
func (a *App) listen(ctx context.Context, l bot.Listener) {
	for ctx.Err() == nil {
		err := l.Listen(ctx, a.Bot.Dispatch)
		if ctx.Err() != nil {
			return
		}
		a.Log.Error("listener stopped, restarting", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
		}
	}
}

// storeTokens keeps platform access tokens in the store so that replicas
// share one token and a restart does not fetch a new one.
type storeTokens struct{ st store.Store }

const tokensColl = "platform.tokens"

type storedToken struct {
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

func (s storeTokens) Get(ctx context.Context, key string) (string, time.Time, error) {
	v, err := s.st.Get(ctx, tokensColl, key)
	if errors.Is(err, store.ErrNotFound) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, err
	}
	var t storedToken
	if err := json.Unmarshal(v, &t); err != nil {
		return "", time.Time{}, fmt.Errorf("decode token %s: %w", key, err)
	}
	return t.Token, t.Expires, nil
}

func (s storeTokens) Put(ctx context.Context, key, token string, expires time.Time) error {
	if token == "" {
		return s.st.Delete(ctx, tokensColl, key)
	}
	v, _ := json.Marshal(storedToken{Token: token, Expires: expires})
	return s.st.Put(ctx, tokensColl, key, v)
}
