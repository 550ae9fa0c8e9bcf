package embedded

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// NextID returns the next value of a named sequence, starting at 1.
func (s *Store) NextID(ctx context.Context, seq string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		if seq == "" {
			return errors.New("empty sequence name")
		}
		b := tx.Bucket(bucketSeq)
		var cur int64
		if v := b.Get([]byte(seq)); v != nil {
			n, err := decodeInt(v)
			if err != nil {
				return err
			}
			cur = n
		}
		id = cur + 1
		return b.Put([]byte(seq), encodeInt(id))
	})
	if err != nil {
		return 0, fmt.Errorf("embedded: next id %s: %w", seq, err)
	}
	return id, nil
}

// Incr adds delta to the counter document coll/key and returns the new value.
// Counters are ordinary documents holding the value as decimal text, so Get
// and Scan see them (like Redis HINCRBY).
func (s *Store) Incr(ctx context.Context, coll, key string, delta int64) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := collWrite(tx, coll)
		if err != nil {
			return err
		}
		var cur int64
		if v := b.Get([]byte(key)); v != nil {
			cur, err = strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("value is not an integer: %w", err)
			}
		}
		n = cur + delta
		return b.Put([]byte(key), strconv.AppendInt(nil, n, 10))
	})
	if err != nil {
		return 0, fmt.Errorf("embedded: incr %s/%s: %w", coll, key, err)
	}
	return n, nil
}
