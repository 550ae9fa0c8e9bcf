package embedded

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A lease is stored as expiry (8 bytes) followed by the owner.

// Acquire takes or renews the lease name for owner for ttl.
func (s *Store) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if ttl <= 0 {
		return false, fmt.Errorf("embedded: acquire %s: ttl must be positive", name)
	}
	var ok bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		ok = false
		b := tx.Bucket(bucketLease)
		now := time.Now()
		if v := b.Get([]byte(name)); len(v) >= 8 {
			if string(v[8:]) != owner && decodeTime(v).After(now) {
				return nil
			}
		}
		ok = true
		return b.Put([]byte(name), append(encodeTime(now.Add(ttl)), owner...))
	})
	if err != nil {
		return false, fmt.Errorf("embedded: acquire %s: %w", name, err)
	}
	return ok, nil
}

// Release gives the lease up if owner holds it.
func (s *Store) Release(ctx context.Context, name, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLease)
		if v := b.Get([]byte(name)); len(v) >= 8 && string(v[8:]) == owner {
			return b.Delete([]byte(name))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded: release %s: %w", name, err)
	}
	return nil
}
