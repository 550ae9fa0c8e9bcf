package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

// collWrite returns the bucket of coll, creating it when needed.
func collWrite(tx *bolt.Tx, coll string) (*bolt.Bucket, error) {
	if coll == "" {
		return nil, errors.New("empty collection name")
	}
	return tx.Bucket(bucketColls).CreateBucketIfNotExists([]byte(coll))
}

// collRead returns the bucket of coll or nil when it does not exist.
func collRead(tx *bolt.Tx, coll string) *bolt.Bucket {
	if coll == "" {
		return nil
	}
	return tx.Bucket(bucketColls).Bucket([]byte(coll))
}

// Put writes one document, replacing any previous value.
func (s *Store) Put(ctx context.Context, coll, key string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := collWrite(tx, coll)
		if err != nil {
			return err
		}
		return b.Put([]byte(key), value)
	})
	if err != nil {
		return fmt.Errorf("embedded: put %s/%s: %w", coll, key, err)
	}
	return nil
}

// PutBatch writes all items in one transaction. When a key appears more than
// once, the last value wins.
func (s *Store) PutBatch(ctx context.Context, coll string, items []KV) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	// Inserting in key order touches each page once and avoids needless splits.
	byKey := func(a, b KV) int { return strings.Compare(a.Key, b.Key) }
	sorted := items
	if !slices.IsSortedFunc(items, byKey) {
		sorted = slices.Clone(items)
		slices.SortStableFunc(sorted, byKey)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := collWrite(tx, coll)
		if err != nil {
			return err
		}
		// Appending after the last key (a typical import) can fill pages fully.
		if last, _ := b.Cursor().Last(); last == nil || bytes.Compare([]byte(sorted[0].Key), last) > 0 {
			b.FillPercent = 0.9
		}
		for _, it := range sorted {
			// bbolt copies the key before keeping it, so the string's bytes
			// are lent without a copy (they are only read).
			if err := b.Put(unsafe.Slice(unsafe.StringData(it.Key), len(it.Key)), it.Value); err != nil {
				return fmt.Errorf("key %s: %w", it.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded: put batch %s: %w", coll, err)
	}
	return nil
}

// KV is an alias of store.KV kept short for this package's signatures.
type KV = store.KV

// PutIfAbsent writes the document only when the key does not exist yet.
func (s *Store) PutIfAbsent(ctx context.Context, coll, key string, value []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var written bool
	// Batch: concurrent claims (answers to a quiz question, job slots) share
	// one commit; fn resets written because it may run again on its own.
	err := s.db.Batch(func(tx *bolt.Tx) error {
		written = false
		b, err := collWrite(tx, coll)
		if err != nil {
			return err
		}
		if b.Get([]byte(key)) != nil {
			return nil
		}
		written = true
		return b.Put([]byte(key), value)
	})
	if err != nil {
		return false, fmt.Errorf("embedded: put if absent %s/%s: %w", coll, key, err)
	}
	return written, nil
}

// Get reads one document or returns store.ErrNotFound.
func (s *Store) Get(ctx context.Context, coll, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var value []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := collRead(tx, coll)
		if b == nil {
			return store.ErrNotFound
		}
		v := b.Get([]byte(key))
		if v == nil {
			return store.ErrNotFound
		}
		value = clone(v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: get %s/%s: %w", coll, key, err)
	}
	return value, nil
}

// Delete removes a document; deleting a missing key is not an error.
func (s *Store) Delete(ctx context.Context, coll, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := collRead(tx, coll)
		if b == nil {
			return nil
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("embedded: delete %s/%s: %w", coll, key, err)
	}
	return nil
}

// Scan calls fn for every document whose key is in [from, to) in key order.
// Documents are read in chunks, each in its own read transaction, so fn runs
// outside any transaction and may use the store; the scan is therefore not
// one snapshot.
func (s *Store) Scan(ctx context.Context, coll, from, to string, fn func(key string, value []byte) error) error {
	start := []byte(from)
	inclusive := true
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk, err := s.scanChunk(coll, start, inclusive, to)
		if err != nil {
			return fmt.Errorf("embedded: scan %s: %w", coll, err)
		}
		for _, kv := range chunk {
			if err := fn(kv.Key, kv.Value); err != nil {
				return err
			}
		}
		if len(chunk) < scanChunk {
			return nil
		}
		start, inclusive = []byte(chunk[len(chunk)-1].Key), false
	}
}

// scanChunk reads up to scanChunk documents starting at start.
func (s *Store) scanChunk(coll string, start []byte, inclusive bool, to string) ([]KV, error) {
	var out []KV
	err := s.db.View(func(tx *bolt.Tx) error {
		b := collRead(tx, coll)
		if b == nil {
			return nil
		}
		end := []byte(to)
		c := b.Cursor()
		k, v := c.Seek(start)
		if !inclusive && k != nil && bytes.Equal(k, start) {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < scanChunk; k, v = c.Next() {
			if len(end) > 0 && bytes.Compare(k, end) >= 0 {
				break
			}
			if v == nil && b.Bucket(k) != nil {
				continue
			}
			out = append(out, KV{Key: string(k), Value: clone(v)})
		}
		return nil
	})
	return out, err
}
