package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

// Take returns up to limit items for consumer: entries idle for at least
// idle (XAUTOCLAIM), then new ones (XREADGROUP, blocking up to wait when
// nothing was taken over).
func (in *inbox) Take(ctx context.Context, consumer string, limit int, idle, wait time.Duration) ([]store.InboxItem, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	if idle <= 0 {
		return nil, errors.New("redisstore: inbox take: idle must be positive")
	}
	var out []store.InboxItem
	err := in.withGroup(ctx, func() error {
		var err error
		out, err = in.take(ctx, consumer, limit, idle, wait)
		return err
	})
	if err != nil {
		if msg := strings.ToLower(err.Error()); strings.Contains(msg, "unknown") && strings.Contains(msg, "xautoclaim") {
			return out, fmt.Errorf("redisstore: inbox take: the inbox needs Redis 6.2 or newer: %w", err)
		}
		return out, fmt.Errorf("redisstore: inbox take: %w", err)
	}
	// Housekeeping: a failure here costs nothing but leftover names.
	_, _ = in.pruneConsumers(ctx, consumer, time.Now())
	return out, nil
}

func (in *inbox) take(ctx context.Context, consumer string, limit int, idle, wait time.Duration) ([]store.InboxItem, error) {
	stream, _ := in.s.inboxKeys()
	in.mu.Lock()
	start := in.cursor
	in.mu.Unlock()
	if start == "" {
		start = "0-0"
	}
	res, err := inboxClaimScript.Run(ctx, in.s.client, []string{stream},
		inboxGroup, consumer, max(idle.Milliseconds(), 1), start, limit).Slice()
	if err != nil {
		return nil, err
	}
	if len(res) == 0 || (len(res)-1)%3 != 0 {
		return nil, fmt.Errorf("unexpected XAUTOCLAIM reply %v", res)
	}
	next, _ := res[0].(string)
	in.mu.Lock()
	in.cursor = next
	in.mu.Unlock()
	out := make([]store.InboxItem, 0, limit)
	for i := 1; i < len(res); i += 3 {
		id, _ := res[i].(string)
		count, _ := res[i+1].(int64)
		fields, _ := res[i+2].([]interface{})
		values := make(map[string]interface{}, len(fields)/2)
		for j := 0; j+1 < len(fields); j += 2 {
			name, _ := fields[j].(string)
			values[name] = fields[j+1]
		}
		it, err := inboxItem(id, values, count)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	if len(out) >= limit {
		return out, nil
	}
	block := time.Duration(-1)
	if len(out) == 0 && wait >= time.Millisecond {
		block = wait
	}
	streams, err := in.s.client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group:    inboxGroup,
		Consumer: consumer,
		Streams:  []string{stream, ">"},
		Count:    int64(limit - len(out)),
		Block:    block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, st := range streams {
		for _, m := range st.Messages {
			it, err := inboxItem(m.ID, m.Values, 1)
			if err != nil {
				return out, err
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// inboxItem decodes an entry delivered count times.
func inboxItem(id string, values map[string]interface{}, count int64) (store.InboxItem, error) {
	str := func(name string) string { v, _ := values[name].(string); return v }
	a, err := strconv.Atoi(str("a"))
	if err != nil {
		return store.InboxItem{}, fmt.Errorf("entry %s: attempts %q", id, str("a"))
	}
	t, err := strconv.ParseInt(str("t"), 10, 64)
	if err != nil {
		return store.InboxItem{}, fmt.Errorf("entry %s: added %q", id, str("t"))
	}
	return store.InboxItem{
		ID:       id,
		Key:      str("k"),
		Payload:  []byte(str("p")),
		Attempts: a + int(max(count, 1)) - 1,
		Added:    time.Unix(0, t),
	}, nil
}

// Touch resets the idle time of the entries consumer still holds (XCLAIM
// JUSTID); entries taken over by another consumer are left alone.
func (in *inbox) Touch(ctx context.Context, consumer string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	stream, _ := in.s.inboxKeys()
	args := make([]interface{}, 0, len(ids)+2)
	args = append(args, inboxGroup, consumer)
	for _, id := range ids {
		args = append(args, id)
	}
	err := in.withGroup(ctx, func() error {
		return inboxTouchScript.Run(ctx, in.s.client, []string{stream}, args...).Err()
	})
	if err != nil {
		return fmt.Errorf("redisstore: inbox touch: %w", err)
	}
	return nil
}
