package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

// retryAttempts bounds how often Retry re-runs its optimistic transaction
// when a concurrent claim changes the item meanwhile.
const retryAttempts = 10

// claimScript moves up to ARGV[2] items visible at or before ARGV[1] to
// visible-at ARGV[3] and returns their JSON. Index entries without an item
// are dropped.
var claimScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('HGET', KEYS[2], id)
  if v then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    out[#out + 1] = v
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`)

// enqueueKeyedScript stores item ARGV[1] (JSON ARGV[2], due ARGV[3],
// created ARGV[4]) unless its idempotency key KEYS[4] names an item already,
// and returns the id of the item that holds the key.
var enqueueKeyedScript = redis.NewScript(`
local e = redis.call('GET', KEYS[4])
if e then return tonumber(e) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('SET', KEYS[4], ARGV[1])
return tonumber(ARGV[1])`)

// ackScript removes item ARGV[1]; when ARGV[3] is 1, the idempotency key
// KEYS[4] it holds expires ARGV[2] ms from now.
var ackScript = redis.NewScript(`
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if ARGV[3] == '1' and redis.call('GET', KEYS[4]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[4], ARGV[2])
end
return 0`)

type outbox struct {
	s *Store
}

var _ store.Outbox = (*outbox)(nil)

// score turns a time into a sorted-set score; microseconds are exact in a
// float64 for any date near the present.
func score(t time.Time) float64 { return float64(t.UnixMicro()) }

// Enqueue stores an item, assigns its ID and makes it due at item.DueAt (now
// when zero). A zero Created is set to now. An item with a Key that is still
// queued or was delivered within store.OutboxKeyTTL is not added again: its
// ID is returned (the check and the write are one script).
func (o *outbox) Enqueue(ctx context.Context, item store.OutboxItem) (int64, error) {
	seq, items, due, created := o.s.outboxKeys()
	now := time.Now()
	if item.Created.IsZero() {
		item.Created = now
	}
	if item.DueAt.IsZero() {
		item.DueAt = now
	}
	id, err := o.s.client.Incr(ctx, seq).Result()
	if err != nil {
		return 0, fmt.Errorf("redisstore: outbox enqueue: %w", err)
	}
	item.ID = id
	data, err := json.Marshal(item)
	if err != nil {
		return 0, fmt.Errorf("redisstore: outbox enqueue: %w", err)
	}
	member := strconv.FormatInt(id, 10)
	if item.Key != "" {
		id, err := enqueueKeyedScript.Run(ctx, o.s.client, []string{items, due, created, o.s.outboxKeyKey(item.Key)},
			member, data, int64(score(item.DueAt)), int64(score(item.Created))).Int64()
		if err != nil {
			return 0, fmt.Errorf("redisstore: outbox enqueue: %w", err)
		}
		return id, nil
	}
	_, err = o.s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, items, member, data)
		p.ZAdd(ctx, due, &redis.Z{Score: score(item.DueAt), Member: member})
		p.ZAdd(ctx, created, &redis.Z{Score: score(item.Created), Member: member})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("redisstore: outbox enqueue: %w", err)
	}
	return id, nil
}

// Claim returns up to limit items due at or before now, oldest due first, and
// hides them from other claims until now+lease, atomically across processes.
func (o *outbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxItem, error) {
	if limit <= 0 {
		return nil, nil
	}
	_, items, due, _ := o.s.outboxKeys()
	res, err := claimScript.Run(ctx, o.s.client, []string{due, items},
		int64(score(now)), limit, int64(score(now.Add(lease)))).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: outbox claim: %w", err)
	}
	out := make([]store.OutboxItem, 0, len(res))
	for _, data := range res {
		var item store.OutboxItem
		if err := json.Unmarshal([]byte(data), &item); err != nil {
			return out, fmt.Errorf("redisstore: outbox claim: decode item: %w", err)
		}
		out = append(out, item)
	}
	return out, nil
}

// Ack removes a delivered item; acknowledging a missing item is not an
// error. The key of a keyed item keeps it from being enqueued again for
// store.OutboxKeyTTL.
func (o *outbox) Ack(ctx context.Context, id int64) error {
	_, items, due, created := o.s.outboxKeys()
	member := strconv.FormatInt(id, 10)
	var key string
	data, err := o.s.client.HGet(ctx, items, member).Bytes()
	switch {
	case err == nil:
		var item struct {
			Key string `json:"key"`
		}
		if json.Unmarshal(data, &item) == nil {
			key = item.Key
		}
	case !errors.Is(err, redis.Nil):
		return fmt.Errorf("redisstore: outbox ack %d: %w", id, err)
	}
	keyed := "0"
	if key != "" {
		keyed = "1"
	}
	err = ackScript.Run(ctx, o.s.client, []string{items, due, created, o.s.outboxKeyKey(key)},
		member, store.OutboxKeyTTL.Milliseconds(), keyed).Err()
	if err != nil {
		return fmt.Errorf("redisstore: outbox ack %d: %w", id, err)
	}
	return nil
}

// Retry makes an item due again at dueAt (now when zero), counting the
// attempt and its error. It returns store.ErrNotFound when the item does not
// exist. It uses WATCH/MULTI so a concurrent claim or ack is not lost.
func (o *outbox) Retry(ctx context.Context, id int64, dueAt time.Time, lastErr string) error {
	return o.reschedule(ctx, "retry", id, dueAt, func(item *store.OutboxItem) {
		item.Attempts++
		item.LastError = lastErr
	})
}

// Postpone makes an item due again at dueAt without counting an attempt.
func (o *outbox) Postpone(ctx context.Context, id int64, dueAt time.Time) error {
	return o.reschedule(ctx, "postpone", id, dueAt, func(*store.OutboxItem) {})
}

func (o *outbox) reschedule(ctx context.Context, op string, id int64, dueAt time.Time, change func(*store.OutboxItem)) error {
	_, items, due, _ := o.s.outboxKeys()
	if dueAt.IsZero() {
		dueAt = time.Now()
	}
	member := strconv.FormatInt(id, 10)
	txf := func(tx *redis.Tx) error {
		data, err := tx.HGet(ctx, items, member).Bytes()
		if errors.Is(err, redis.Nil) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		var item store.OutboxItem
		if err := json.Unmarshal(data, &item); err != nil {
			return fmt.Errorf("decode item: %w", err)
		}
		change(&item)
		item.DueAt = dueAt
		if data, err = json.Marshal(item); err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, items, member, data)
			p.ZAdd(ctx, due, &redis.Z{Score: score(dueAt), Member: member})
			return nil
		})
		return err
	}
	var err error
	for range retryAttempts {
		err = o.s.client.Watch(ctx, txf, items, due)
		if !errors.Is(err, redis.TxFailedErr) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("redisstore: outbox %s %d: %w", op, id, err)
	}
	return nil
}

// Stats reports how many items wait and the oldest one's creation time.
func (o *outbox) Stats(ctx context.Context) (int, time.Time, error) {
	_, items, _, created := o.s.outboxKeys()
	var (
		depth  *redis.IntCmd
		oldest *redis.ZSliceCmd
	)
	_, err := o.s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		depth = p.HLen(ctx, items)
		oldest = p.ZRangeWithScores(ctx, created, 0, 0)
		return nil
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("redisstore: outbox stats: %w", err)
	}
	first := oldest.Val()
	if len(first) == 0 {
		return int(depth.Val()), time.Time{}, nil
	}
	at := time.UnixMicro(int64(first[0].Score))
	// The item holds the exact time; the score is only microsecond precise.
	// A missing item was acknowledged meanwhile; the score is good enough then.
	data, err := o.s.client.HGet(ctx, items, fmt.Sprint(first[0].Member)).Bytes()
	switch {
	case err == nil:
		var item store.OutboxItem
		if err := json.Unmarshal(data, &item); err != nil {
			return 0, time.Time{}, fmt.Errorf("redisstore: outbox stats: decode item: %w", err)
		}
		at = item.Created
	case !errors.Is(err, redis.Nil):
		return 0, time.Time{}, fmt.Errorf("redisstore: outbox stats: %w", err)
	}
	return int(depth.Val()), at, nil
}
