package redisstore

import (
	"context"
	"fmt"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

var _ store.SequenceRaiser = (*Store)(nil)

// raiseScript sets KEYS[1] to ARGV[1] unless it already holds at least that.
var raiseScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`)

// RaiseSequence moves a sequence forward to at least atLeast, atomically.
func (s *Store) RaiseSequence(ctx context.Context, name string, atLeast int64) error {
	if err := raiseScript.Run(ctx, s.client, []string{s.seqKey(name)}, atLeast).Err(); err != nil && err != redis.Nil {
		return fmt.Errorf("redisstore: raise sequence %s: %w", name, err)
	}
	return nil
}
