package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-redis/redis/v8"
)

// ledgerChunk is how many entries Ledger reads per round trip.
const ledgerChunk = 500

// appendScript returns {seq, created}. Sequence numbers are contiguous, so
// Ledger can read entries by number without an index.
var appendScript = redis.NewScript(`
if ARGV[1] ~= '' then
  local seq = redis.call('HGET', KEYS[3], ARGV[1])
  if seq then return {tonumber(seq), 0} end
end
local seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], seq, ARGV[2])
if ARGV[1] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], seq) end
return {seq, 1}`)

// Append adds an entry to a ledger. When idemKey is not empty and already
// used, the existing entry's sequence number is returned with created false.
func (s *Store) Append(ctx context.Context, ledger, idemKey string, entry []byte) (int64, bool, error) {
	if ledger == "" {
		return 0, false, errors.New("redisstore: append: empty ledger name")
	}
	last, entries, idem := s.ledgerKeys(ledger)
	res, err := appendScript.Run(ctx, s.client, []string{last, entries, idem}, idemKey, entry).Int64Slice()
	if err != nil {
		return 0, false, fmt.Errorf("redisstore: append %s: %w", ledger, err)
	}
	if len(res) != 2 {
		return 0, false, fmt.Errorf("redisstore: append %s: unexpected reply %v", ledger, res)
	}
	return res[0], res[1] == 1, nil
}

// Ledger calls fn for every entry with a sequence number greater than after,
// in order, up to the last entry that existed when it started.
func (s *Store) Ledger(ctx context.Context, ledger string, after int64, fn func(seq int64, entry []byte) error) error {
	last, entries, _ := s.ledgerKeys(ledger)
	end, err := s.client.Get(ctx, last).Int64()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redisstore: ledger %s: %w", ledger, err)
	}
	if after < 0 {
		after = 0
	}
	for next := after + 1; next <= end; next += ledgerChunk {
		stop := min(next+ledgerChunk-1, end)
		fields := make([]string, 0, stop-next+1)
		for seq := next; seq <= stop; seq++ {
			fields = append(fields, strconv.FormatInt(seq, 10))
		}
		values, err := s.client.HMGet(ctx, entries, fields...).Result()
		if err != nil {
			return fmt.Errorf("redisstore: ledger %s: %w", ledger, err)
		}
		for i, v := range values {
			e, ok := v.(string)
			if !ok {
				continue
			}
			if err := fn(next+int64(i), []byte(e)); err != nil {
				return err
			}
		}
	}
	return nil
}
