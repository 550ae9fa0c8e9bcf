package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

// chunkSize is how many documents PutBatch writes per command and Scan and
// Ledger read per round trip.
const chunkSize = 1000

var putIfAbsentScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], 0, ARGV[1])
  return 1
end
return 0`)

func checkNames(coll, key string) error {
	if coll == "" {
		return errors.New("empty collection name")
	}
	if key == "" {
		return errors.New("empty key")
	}
	return nil
}

// Put writes one document, replacing any previous value.
func (s *Store) Put(ctx context.Context, coll, key string, value []byte) error {
	if err := checkNames(coll, key); err != nil {
		return fmt.Errorf("redisstore: put %s/%s: %w", coll, key, err)
	}
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.collHash(coll), key, value)
		p.ZAdd(ctx, s.collZSet(coll), &redis.Z{Member: key})
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: put %s/%s: %w", coll, key, err)
	}
	return nil
}

// PutBatch writes all items in one MULTI/EXEC transaction sent as a single
// pipeline. When a key appears more than once, the last value wins.
func (s *Store) PutBatch(ctx context.Context, coll string, items []store.KV) error {
	if len(items) == 0 {
		return nil
	}
	for _, it := range items {
		if err := checkNames(coll, it.Key); err != nil {
			return fmt.Errorf("redisstore: put batch %s: %w", coll, err)
		}
	}
	h, z := s.collHash(coll), s.collZSet(coll)
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for start := 0; start < len(items); start += chunkSize {
			chunk := items[start:min(start+chunkSize, len(items))]
			fields := make([]interface{}, 0, 2*len(chunk))
			members := make([]*redis.Z, 0, len(chunk))
			for _, it := range chunk {
				fields = append(fields, it.Key, it.Value)
				members = append(members, &redis.Z{Member: it.Key})
			}
			p.HSet(ctx, h, fields...)
			p.ZAdd(ctx, z, members...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: put batch %s: %w", coll, err)
	}
	return nil
}

// PutIfAbsent writes the document only when the key does not exist yet. It is
// atomic across processes.
func (s *Store) PutIfAbsent(ctx context.Context, coll, key string, value []byte) (bool, error) {
	if err := checkNames(coll, key); err != nil {
		return false, fmt.Errorf("redisstore: put if absent %s/%s: %w", coll, key, err)
	}
	n, err := putIfAbsentScript.Run(ctx, s.client, []string{s.collHash(coll), s.collZSet(coll)}, key, value).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: put if absent %s/%s: %w", coll, key, err)
	}
	return n == 1, nil
}

// Get reads one document or returns store.ErrNotFound.
func (s *Store) Get(ctx context.Context, coll, key string) ([]byte, error) {
	v, err := s.client.HGet(ctx, s.collHash(coll), key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: get %s/%s: %w", coll, key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: get %s/%s: %w", coll, key, err)
	}
	return v, nil
}

// Delete removes a document; deleting a missing key is not an error.
func (s *Store) Delete(ctx context.Context, coll, key string) error {
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, s.collHash(coll), key)
		p.ZRem(ctx, s.collZSet(coll), key)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: delete %s/%s: %w", coll, key, err)
	}
	return nil
}

// Scan calls fn for every document whose key is in [from, to) in key order,
// reading chunkSize documents per round trip. The scan is not one snapshot:
// documents written or deleted meanwhile may or may not be seen.
func (s *Store) Scan(ctx context.Context, coll, from, to string, fn func(key string, value []byte) error) error {
	h, z := s.collHash(coll), s.collZSet(coll)
	lo, hi := "-", "+"
	if from != "" {
		lo = "[" + from
	}
	if to != "" {
		hi = "(" + to
	}
	for {
		keys, err := s.client.ZRangeByLex(ctx, z, &redis.ZRangeBy{Min: lo, Max: hi, Count: chunkSize}).Result()
		if err != nil {
			return fmt.Errorf("redisstore: scan %s: %w", coll, err)
		}
		if len(keys) == 0 {
			return nil
		}
		values, err := s.client.HMGet(ctx, h, keys...).Result()
		if err != nil {
			return fmt.Errorf("redisstore: scan %s: %w", coll, err)
		}
		for i, k := range keys {
			v, ok := values[i].(string)
			if !ok {
				continue // deleted between the two reads
			}
			if err := fn(k, []byte(v)); err != nil {
				return err
			}
		}
		if len(keys) < chunkSize {
			return nil
		}
		lo = "(" + keys[len(keys)-1]
	}
}
