package redisstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

// casScript writes ARGV[5] at field ARGV[3] (or deletes it when ARGV[4] is
// "del") when the field still holds what the caller read: ARGV[2] when
// ARGV[1] is "1", nothing when it is "0". It returns 1 when it wrote.
var casScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[3])
if ARGV[1] == '1' then
  if cur == false or cur ~= ARGV[2] then return 0 end
elseif cur ~= false then
  return 0
end
if ARGV[4] == 'del' then
  redis.call('HDEL', KEYS[1], ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[3])
else
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[5])
  redis.call('ZADD', KEYS[2], 0, ARGV[3])
end
return 1`)

// maxUpdateTries bounds Update's compare-and-set attempts.
const maxUpdateTries = 1000

// Update reads coll/key, calls fn and writes its result with a
// compare-and-set script; when another write changed the key meanwhile it
// reads again and calls fn again.
func (s *Store) Update(ctx context.Context, coll, key string, fn func(old []byte) ([]byte, error)) error {
	if err := checkNames(coll, key); err != nil {
		return fmt.Errorf("redisstore: update %s/%s: %w", coll, key, err)
	}
	h, z := s.collHash(coll), s.collZSet(coll)
	for try := 0; try < maxUpdateTries; try++ {
		if try > 2 {
			// Contention: wait a little, at random, so the writers spread.
			d := time.Duration(rand.IntN(min(try, 20))+1) * time.Millisecond
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
			}
		}
		old, err := s.client.HGet(ctx, h, key).Bytes()
		exists := "1"
		switch {
		case err == redis.Nil:
			old, exists = nil, "0"
		case err != nil:
			return fmt.Errorf("redisstore: update %s/%s: %w", coll, key, err)
		case old == nil:
			old = []byte{}
		}
		v, err := fn(old)
		if err != nil {
			return err
		}
		mode := "put"
		if v == nil {
			if exists == "0" {
				return nil
			}
			mode = "del"
		}
		n, err := casScript.Run(ctx, s.client, []string{h, z}, exists, old, key, mode, v).Int()
		if err != nil {
			return fmt.Errorf("redisstore: update %s/%s: %w", coll, key, err)
		}
		if n == 1 {
			return nil
		}
	}
	return fmt.Errorf("redisstore: update %s/%s: still changing after %d tries", coll, key, maxUpdateTries)
}

// Write applies ops in one MULTI/EXEC transaction. On a Cluster, go-redis
// sends one transaction per hash slot, that is per collection.
func (s *Store) Write(ctx context.Context, ops []store.Op) error {
	if len(ops) == 0 {
		return nil
	}
	for _, op := range ops {
		if err := checkNames(op.Coll, op.Key); err != nil {
			return fmt.Errorf("redisstore: write %s/%s: %w", op.Coll, op.Key, err)
		}
		if op.Kind < store.OpPut || op.Kind > store.OpIncr {
			return fmt.Errorf("redisstore: write %s/%s: unknown op kind %d", op.Coll, op.Key, op.Kind)
		}
	}
	// An existing counter that is not an integer fails HINCRBY inside the
	// transaction, after the other ops ran; check first, as the embedded
	// store refuses the whole write.
	for _, op := range ops {
		if op.Kind != store.OpIncr {
			continue
		}
		v, err := s.client.HGet(ctx, s.collHash(op.Coll), op.Key).Result()
		if err != nil && err != redis.Nil {
			return fmt.Errorf("redisstore: write %s/%s: %w", op.Coll, op.Key, err)
		}
		if err == nil && !isInt(v) {
			return fmt.Errorf("redisstore: write %s/%s: value is not an integer", op.Coll, op.Key)
		}
	}
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, op := range ops {
			h, z := s.collHash(op.Coll), s.collZSet(op.Coll)
			switch op.Kind {
			case store.OpPut:
				v := op.Value
				if v == nil {
					v = []byte{}
				}
				p.HSet(ctx, h, op.Key, v)
				p.ZAdd(ctx, z, &redis.Z{Member: op.Key})
			case store.OpDelete:
				p.HDel(ctx, h, op.Key)
				p.ZRem(ctx, z, op.Key)
			case store.OpIncr:
				p.HIncrBy(ctx, h, op.Key, op.Delta)
				p.ZAddNX(ctx, z, &redis.Z{Member: op.Key})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: write: %w", err)
	}
	return nil
}

func isInt(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
