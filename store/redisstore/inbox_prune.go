package redisstore

import (
	"context"
	"time"
)

// Every process reads the inbox under a consumer name of its own
// (host-pid-random), so each restart leaves a consumer behind in the group.
// Take drops, now and then, the consumers that hold nothing and have not
// read for a long while; a live one that was dropped is recreated by its
// next read, and one holding entries is never dropped (they stay its until
// taken over).
const (
	pruneEvery = 10 * time.Minute
	pruneIdle  = time.Hour
)

// pruneConsumers removes idle consumers holding no entries, other than
// consumer itself, once per pruneEvery; it reports how many it removed.
func (in *inbox) pruneConsumers(ctx context.Context, consumer string, now time.Time) (int, error) {
	in.mu.Lock()
	due := now.Sub(in.pruned) >= in.pruneEvery()
	if due {
		in.pruned = now
	}
	in.mu.Unlock()
	if !due {
		return 0, nil
	}
	stream, _ := in.s.inboxKeys()
	cs, err := in.s.client.XInfoConsumers(ctx, stream, inboxGroup).Result()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cs {
		if c.Name == consumer || c.Pending > 0 || time.Duration(c.Idle)*time.Millisecond < in.pruneIdle() {
			continue
		}
		if err := in.s.client.XGroupDelConsumer(ctx, stream, inboxGroup, c.Name).Err(); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (in *inbox) pruneEvery() time.Duration {
	if in.pruneAfter > 0 {
		return in.pruneAfter
	}
	return pruneEvery
}

func (in *inbox) pruneIdle() time.Duration {
	if in.pruneIdleFor > 0 {
		return in.pruneIdleFor
	}
	return pruneIdle
}
