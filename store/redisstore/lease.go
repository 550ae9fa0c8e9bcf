package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis/v8"
)

var acquireScript = redis.NewScript(`
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`)

var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// Acquire takes or renews the lease name for owner for ttl. Redis expires the
// lease by itself.
func (s *Store) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("redisstore: acquire %s: ttl must be positive", name)
	}
	ms := max(ttl.Milliseconds(), 1)
	n, err := acquireScript.Run(ctx, s.client, []string{s.leaseKey(name)}, owner, ms).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: acquire %s: %w", name, err)
	}
	return n == 1, nil
}

// Release gives the lease up if owner holds it.
func (s *Store) Release(ctx context.Context, name, owner string) error {
	if err := releaseScript.Run(ctx, s.client, []string{s.leaseKey(name)}, owner).Err(); err != nil {
		return fmt.Errorf("redisstore: release %s: %w", name, err)
	}
	return nil
}
