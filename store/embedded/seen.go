package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sweepPerCall bounds how many expired markers one FirstSeen call removes.
// Each call adds at most one marker, so removing a few keeps the bucket from
// growing without ever paying for a full scan.
const sweepPerCall = 16

// FirstSeen records key for ttl and reports whether it was not seen (or its
// previous marker had expired). Expired markers are removed lazily and by a
// bounded sweep of the expiry index on every call.
func (s *Store) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if ttl <= 0 {
		return false, fmt.Errorf("embedded: first seen %s: ttl must be positive", key)
	}
	var first bool
	// Batch: concurrent calls (a burst of callbacks) share one commit; fn
	// may run again on its own if the shared commit fails, so it resets first.
	err := s.db.Batch(func(tx *bolt.Tx) error {
		first = false
		if key == "" {
			return errors.New("empty key")
		}
		now := time.Now()
		seen, index := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenX)
		if err := sweepSeen(seen, index, now, sweepPerCall); err != nil {
			return err
		}
		k := []byte(key)
		if v := seen.Get(k); v != nil {
			if len(v) == 8 && decodeTime(v).After(now) {
				return nil
			}
			if len(v) == 8 {
				if err := index.Delete(seenIndexKey(v, k)); err != nil {
					return err
				}
			}
		}
		exp := encodeTime(now.Add(ttl))
		if err := seen.Put(k, exp); err != nil {
			return err
		}
		first = true
		return index.Put(seenIndexKey(exp, k), nil)
	})
	if err != nil {
		return false, fmt.Errorf("embedded: first seen %s: %w", key, err)
	}
	return first, nil
}

func seenIndexKey(exp, key []byte) []byte {
	return append(append(make([]byte, 0, len(exp)+len(key)), exp...), key...)
}

// sweepSeen removes up to limit markers that expired before now, oldest first.
func sweepSeen(seen, index *bolt.Bucket, now time.Time, limit int) error {
	nowKey := encodeTime(now)
	c := index.Cursor()
	for k, _ := c.First(); k != nil && limit > 0; k, _ = c.First() {
		if len(k) < 8 || bytes.Compare(k[:8], nowKey) > 0 {
			return nil
		}
		key := k[8:]
		if v := seen.Get(key); v != nil && bytes.Equal(v, k[:8]) {
			if err := seen.Delete(key); err != nil {
				return err
			}
		}
		if err := c.Delete(); err != nil {
			return err
		}
		limit--
	}
	return nil
}
