package wecom

import (
	"context"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

// TestTokenShared: two replicas on one TokenStore fetch the access token
// once, and it is kept with a margin before WeCom's expiry.
func TestTokenShared(t *testing.T) {
	fetched := 0
	api := newFakeAPI(t, func(c call, n int) (int, string) {
		if c.Path == "/cgi-bin/gettoken" {
			fetched++
			return 200, `{"errcode":0,"access_token":"SHARED","expires_in":7200}`
		}
		return 200, `{"errcode":0}`
	})
	cfg := config.WeCom{CorpID: "wwcorp", CorpSecret: "s", AgentID: 7, APIBase: api.URL}
	tokens := bot.NewMemoryTokens()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for range 2 { // two replicas
		p, err := New(cfg, nil, Options{Tokens: tokens, Logger: quietLog, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Send(ctx, bot.Destination{UserID: "u"}, bot.Message{Text: "x"}); err != nil {
			t.Fatal(err)
		}
		_ = p.Close()
	}
	if fetched != 1 {
		t.Fatalf("%d gettoken calls, want 1 shared", fetched)
	}
	tok, exp, _ := tokens.Get(context.Background(), "banzu:wecom:access_token:wwcorp:7")
	if tok != "SHARED" || !exp.Equal(now.Add((7200-300)*time.Second)) {
		t.Fatalf("cached %q until %v", tok, exp)
	}
	// Expired: the next send fetches a new one.
	now = exp
	p, err := New(cfg, nil, Options{Tokens: tokens, Logger: quietLog, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Send(ctx, bot.Destination{UserID: "u"}, bot.Message{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if fetched != 2 {
		t.Fatalf("%d gettoken calls after expiry, want 2", fetched)
	}
}
