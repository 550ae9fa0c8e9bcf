package embedded

import (
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var (
	ledgerEntries = []byte("e")
	ledgerIdem    = []byte("i")
)

// Append adds an entry to a ledger. When idemKey is not empty and already
// used, the existing entry's sequence number is returned with created false.
func (s *Store) Append(ctx context.Context, ledger, idemKey string, entry []byte) (int64, bool, error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	var (
		seq     int64
		created bool
	)
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		seq, created, err = appendTx(tx, ledger, idemKey, entry)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("embedded: append %s: %w", ledger, err)
	}
	return seq, created, nil
}

// appendTx appends entry to ledger within tx (see Append).
func appendTx(tx *bolt.Tx, ledger, idemKey string, entry []byte) (int64, bool, error) {
	if ledger == "" {
		return 0, false, errors.New("empty ledger name")
	}
	lb, err := tx.Bucket(bucketLedger).CreateBucketIfNotExists([]byte(ledger))
	if err != nil {
		return 0, false, err
	}
	entries, err := lb.CreateBucketIfNotExists(ledgerEntries)
	if err != nil {
		return 0, false, err
	}
	idem, err := lb.CreateBucketIfNotExists(ledgerIdem)
	if err != nil {
		return 0, false, err
	}
	if idemKey != "" {
		if v := idem.Get([]byte(idemKey)); v != nil {
			seq, err := decodeInt(v)
			return seq, false, err
		}
	}
	next, err := entries.NextSequence()
	if err != nil {
		return 0, false, err
	}
	seq := int64(next)
	// Sequence keys only grow, so pages can be filled completely.
	entries.FillPercent = 1.0
	if err := entries.Put(encodeInt(seq), entry); err != nil {
		return 0, false, err
	}
	if idemKey != "" {
		if err := idem.Put([]byte(idemKey), encodeInt(seq)); err != nil {
			return 0, false, err
		}
	}
	return seq, true, nil
}

type ledgerEntry struct {
	seq   int64
	entry []byte
}

// Ledger calls fn for every entry with a sequence number greater than after,
// in order. Entries are read in chunks, so fn runs outside any transaction.
func (s *Store) Ledger(ctx context.Context, ledger string, after int64, fn func(seq int64, entry []byte) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk, err := s.ledgerChunk(ledger, after)
		if err != nil {
			return fmt.Errorf("embedded: ledger %s: %w", ledger, err)
		}
		for _, e := range chunk {
			if err := fn(e.seq, e.entry); err != nil {
				return err
			}
		}
		if len(chunk) < scanChunk {
			return nil
		}
		after = chunk[len(chunk)-1].seq
	}
}

func (s *Store) ledgerChunk(ledger string, after int64) ([]ledgerEntry, error) {
	var out []ledgerEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		if ledger == "" {
			return nil
		}
		lb := tx.Bucket(bucketLedger).Bucket([]byte(ledger))
		if lb == nil {
			return nil
		}
		entries := lb.Bucket(ledgerEntries)
		if entries == nil {
			return nil
		}
		if after < 0 {
			after = 0
		}
		c := entries.Cursor()
		for k, v := c.Seek(encodeInt(after + 1)); k != nil && len(out) < scanChunk; k, v = c.Next() {
			seq, err := decodeInt(k)
			if err != nil {
				return err
			}
			out = append(out, ledgerEntry{seq: seq, entry: clone(v)})
		}
		return nil
	})
	return out, err
}
