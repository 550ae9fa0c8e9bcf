package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

var (
	_ store.Dumper         = (*Store)(nil)
	_ store.SequenceRaiser = (*Store)(nil)
)

// Dump yields every document, sequence, ledger entry, waiting outgoing
// message and inbox item in one consistent read transaction. fn must not
// write to this store (it may write anywhere else).
func (s *Store) Dump(ctx context.Context, fn func(store.Item) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		colls := tx.Bucket(bucketColls)
		err := colls.ForEachBucket(func(name []byte) error {
			return colls.Bucket(name).ForEach(func(k, v []byte) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				return fn(store.Item{Kind: store.ItemDoc, Coll: string(name), Key: string(k), Value: v})
			})
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketSeq).ForEach(func(k, v []byte) error {
			n, err := decodeInt(v)
			if err != nil {
				return fmt.Errorf("sequence %s: %w", k, err)
			}
			return fn(store.Item{Kind: store.ItemSequence, Coll: string(k), Seq: n})
		})
		if err != nil {
			return err
		}
		ledgers := tx.Bucket(bucketLedger)
		err = ledgers.ForEachBucket(func(name []byte) error {
			lb := ledgers.Bucket(name)
			keys := map[int64]string{}
			if idem := lb.Bucket(ledgerIdem); idem != nil {
				if err := idem.ForEach(func(k, v []byte) error {
					seq, err := decodeInt(v)
					keys[seq] = string(k)
					return err
				}); err != nil {
					return err
				}
			}
			entries := lb.Bucket(ledgerEntries)
			if entries == nil {
				return nil
			}
			return entries.ForEach(func(k, v []byte) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				seq, err := decodeInt(k)
				if err != nil {
					return err
				}
				return fn(store.Item{Kind: store.ItemLedger, Coll: string(name), Key: keys[seq], Seq: seq, Value: v})
			})
		})
		if err != nil {
			return err
		}
		err = openOutbox(tx).items.ForEach(func(k, v []byte) error {
			if len(v) < 8 {
				return errCorrupt
			}
			var item store.OutboxItem
			if err := json.Unmarshal(v[8:], &item); err != nil {
				return fmt.Errorf("outbox item: %w", err)
			}
			return fn(store.Item{Kind: store.ItemOutbox, Out: &item})
		})
		if err != nil {
			return err
		}
		return dumpInbox(tx, fn)
	})
}

// RaiseSequence moves a sequence forward to at least atLeast.
func (s *Store) RaiseSequence(ctx context.Context, name string, atLeast int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeq)
		if v := b.Get([]byte(name)); v != nil {
			cur, err := decodeInt(v)
			if err != nil || cur >= atLeast {
				return err
			}
		}
		return b.Put([]byte(name), encodeInt(atLeast))
	})
}

// Backup writes a consistent copy of the whole database file to w while the
// store stays in use, and returns the number of bytes written.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}
