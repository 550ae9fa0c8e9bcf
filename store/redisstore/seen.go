package redisstore

import (
	"context"
	"fmt"
	"time"
)

// FirstSeen records key for ttl with SET NX PX and reports whether it was not
// already recorded. Redis expires the marker by itself.
func (s *Store) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("redisstore: first seen %s: ttl must be positive", key)
	}
	ttl = max(ttl, time.Millisecond)
	ok, err := s.client.SetNX(ctx, s.seenKey(key), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: first seen %s: %w", key, err)
	}
	return ok, nil
}
