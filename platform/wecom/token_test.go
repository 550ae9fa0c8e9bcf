package wecom

import (
	"context"
	"os"
	"testing"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

// TestTokenSharedThroughRedis needs a Redis server: set WECOM_TEST_REDIS_ADDR
// (e.g. 127.0.0.1:6379; database 15 is flushed).
func TestTokenSharedThroughRedis(t *testing.T) {
	addr := os.Getenv("WECOM_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("WECOM_TEST_REDIS_ADDR not set")
	}
	rc := redis.NewClient(&redis.Options{Addr: addr, DB: 15})
	defer rc.Close()
	if err := rc.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	fetched := 0
	api := newFakeAPI(t, func(c call, n int) (int, string) {
		if c.Path == "/cgi-bin/gettoken" {
			fetched++
			return 200, `{"errcode":0,"access_token":"SHARED","expires_in":7200}`
		}
		return 200, `{"errcode":0}`
	})
	cfg := config.WeCom{CorpID: "wwcorp", CorpSecret: "s", AgentID: 7, APIBase: api.URL}
	for range 2 { // two replicas
		p, err := New(cfg, nil, Options{Redis: rc, Logger: quietLog})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Send(ctx, bot.Destination{UserID: "u"}, bot.Message{Text: "x"}); err != nil {
			t.Fatal(err)
		}
		_ = p.Close()
	}
	if fetched != 1 {
		t.Fatalf("%d gettoken calls, want 1 shared through Redis", fetched)
	}
	ttl := rc.TTL(context.Background(), "banzu:wecom:access_token:wwcorp:7").Val()
	if ttl <= 0 || ttl.Seconds() > 7200-300 {
		t.Fatalf("ttl %v", ttl)
	}
}
