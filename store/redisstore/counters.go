package redisstore

import (
	"context"
	"fmt"

	"github.com/go-redis/redis/v8"
)

var incrScript = redis.NewScript(`
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', 0, ARGV[1])
return n`)

// NextID returns the next value of a named sequence, starting at 1.
func (s *Store) NextID(ctx context.Context, seq string) (int64, error) {
	n, err := s.client.Incr(ctx, s.seqKey(seq)).Result()
	if err != nil {
		return 0, fmt.Errorf("redisstore: next id %s: %w", seq, err)
	}
	return n, nil
}

// Incr adds delta to the counter document coll/key and returns the new value.
// Counters are ordinary documents holding decimal text, so Get and Scan see
// them.
func (s *Store) Incr(ctx context.Context, coll, key string, delta int64) (int64, error) {
	if err := checkNames(coll, key); err != nil {
		return 0, fmt.Errorf("redisstore: incr %s/%s: %w", coll, key, err)
	}
	n, err := incrScript.Run(ctx, s.client, []string{s.collHash(coll), s.collZSet(coll)}, key, delta).Int64()
	if err != nil {
		return 0, fmt.Errorf("redisstore: incr %s/%s: %w", coll, key, err)
	}
	return n, nil
}
