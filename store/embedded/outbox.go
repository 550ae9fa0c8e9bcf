package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

// Outbox buckets, nested in bucketOutbox:
//
//	items    id -> visible-at (8 bytes) + JSON item
//	due      visible-at + id -> nothing (claim order)
//	created  created + id -> nothing (oldest item for Stats)
//	meta     "depth" -> number of items
//	keys     idempotency key -> id + expiry (far future while queued)
//	keyx     expiry + key -> nothing, for a bounded sweep of expired keys
//
// visible-at is the item's DueAt until it is claimed, then the end of the lease.
var (
	outboxItems   = []byte("items")
	outboxDue     = []byte("due")
	outboxCreated = []byte("created")
	outboxMeta    = []byte("meta")
	metaDepth     = []byte("depth")
	outboxKeys    = []byte("keys")
	outboxKeyX    = []byte("keyx")

	// queuedKey is the expiry of a key whose item is still queued.
	queuedKey = encodeTime(time.Unix(0, math.MaxInt64))
)

type outbox struct {
	db *bolt.DB
}

var _ store.Outbox = (*outbox)(nil)

func initOutbox(tx *bolt.Tx) error {
	ob, err := tx.CreateBucketIfNotExists(bucketOutbox)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{outboxItems, outboxDue, outboxCreated, outboxMeta, outboxKeys, outboxKeyX} {
		if _, err := ob.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// outboxTx bundles the outbox buckets of one transaction.
type outboxTx struct {
	items, due, created, meta, keys, keyx *bolt.Bucket
}

func openOutbox(tx *bolt.Tx) outboxTx {
	ob := tx.Bucket(bucketOutbox)
	return outboxTx{
		items:   ob.Bucket(outboxItems),
		due:     ob.Bucket(outboxDue),
		created: ob.Bucket(outboxCreated),
		meta:    ob.Bucket(outboxMeta),
		keys:    ob.Bucket(outboxKeys),
		keyx:    ob.Bucket(outboxKeyX),
	}
}

func indexKey(t []byte, id int64) []byte {
	return append(append(make([]byte, 0, 16), t...), encodeInt(id)...)
}

// load returns the item with id, its visible-at encoding, or ok == false.
func (o outboxTx) load(id int64) (store.OutboxItem, []byte, bool, error) {
	var item store.OutboxItem
	v := o.items.Get(encodeInt(id))
	if v == nil {
		return item, nil, false, nil
	}
	if len(v) < 8 {
		return item, nil, false, errCorrupt
	}
	if err := json.Unmarshal(v[8:], &item); err != nil {
		return item, nil, false, fmt.Errorf("decode item %d: %w", id, err)
	}
	return item, clone(v[:8]), true, nil
}

// save writes the item visible at visible, replacing the index entry at
// oldVisible when it is not nil.
func (o outboxTx) save(item store.OutboxItem, oldVisible []byte, visible time.Time) error {
	data, err := json.Marshal(item)
	if err != nil {
		return fmt.Errorf("encode item %d: %w", item.ID, err)
	}
	vis := encodeTime(visible)
	if oldVisible != nil {
		if err := o.due.Delete(indexKey(oldVisible, item.ID)); err != nil {
			return err
		}
	}
	if err := o.items.Put(encodeInt(item.ID), append(vis, data...)); err != nil {
		return err
	}
	return o.due.Put(indexKey(vis, item.ID), nil)
}

func (o outboxTx) addDepth(delta int64) error {
	var n int64
	if v := o.meta.Get(metaDepth); v != nil {
		var err error
		if n, err = decodeInt(v); err != nil {
			return err
		}
	}
	return o.meta.Put(metaDepth, encodeInt(n+delta))
}

// existing returns the id of the item enqueued with key when it is still
// queued or was acknowledged less than store.OutboxKeyTTL ago. It first
// removes a few expired keys (each Ack adds at most one).
func (o outboxTx) existing(key string, now time.Time) (int64, bool, error) {
	nowKey := encodeTime(now)
	c := o.keyx.Cursor()
	limit := sweepPerCall
	for k, _ := c.First(); k != nil && len(k) >= 8 && bytes.Compare(k[:8], nowKey) <= 0 && limit > 0; k, _ = c.First() {
		limit--
		if v := o.keys.Get(k[8:]); len(v) == 16 && bytes.Equal(v[8:], k[:8]) {
			if err := o.keys.Delete(k[8:]); err != nil {
				return 0, false, err
			}
		}
		if err := c.Delete(); err != nil {
			return 0, false, err
		}
	}
	v := o.keys.Get([]byte(key))
	if len(v) != 16 || bytes.Compare(v[8:], nowKey) <= 0 {
		return 0, false, nil
	}
	id, err := decodeInt(v[:8])
	return id, err == nil, err
}

// delivered starts the store.OutboxKeyTTL of a delivered item's key.
func (o outboxTx) delivered(item store.OutboxItem, now time.Time) error {
	if item.Key == "" {
		return nil
	}
	v := o.keys.Get([]byte(item.Key))
	if len(v) != 16 || !bytes.Equal(v[:8], encodeInt(item.ID)) {
		return nil
	}
	exp := encodeTime(now.Add(store.OutboxKeyTTL))
	if err := o.keys.Put([]byte(item.Key), append(encodeInt(item.ID), exp...)); err != nil {
		return err
	}
	return o.keyx.Put(append(exp, item.Key...), nil)
}

// Enqueue stores an item, assigns its ID and makes it due at item.DueAt (now
// when zero). A zero Created is set to now. An item with a Key that is still
// queued or was delivered within store.OutboxKeyTTL is not added again: its
// ID is returned.
func (o *outbox) Enqueue(ctx context.Context, item store.OutboxItem) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	now := time.Now()
	if item.Created.IsZero() {
		item.Created = now
	}
	if item.DueAt.IsZero() {
		item.DueAt = now
	}
	// Batched: concurrent handlers share one commit (and one fsync).
	err := o.db.Batch(func(tx *bolt.Tx) error {
		ob := openOutbox(tx)
		if item.Key != "" {
			id, ok, err := ob.existing(item.Key, now)
			if err != nil || ok {
				item.ID = id
				return err
			}
		}
		id, err := ob.items.NextSequence()
		if err != nil {
			return err
		}
		item.ID = int64(id)
		if err := ob.save(item, nil, item.DueAt); err != nil {
			return err
		}
		if item.Key != "" {
			if err := ob.keys.Put([]byte(item.Key), append(encodeInt(item.ID), queuedKey...)); err != nil {
				return err
			}
		}
		if err := ob.created.Put(indexKey(encodeTime(item.Created), item.ID), nil); err != nil {
			return err
		}
		return ob.addDepth(1)
	})
	if err != nil {
		return 0, fmt.Errorf("embedded: outbox enqueue: %w", err)
	}
	return item.ID, nil
}

// Claim returns up to limit items due at or before now, oldest due first, and
// hides them from other claims until now+lease. It reads only the due index
// entries it returns.
func (o *outbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	var claimed []store.OutboxItem
	err := o.db.Update(func(tx *bolt.Tx) error {
		claimed = claimed[:0]
		ob := openOutbox(tx)
		nowKey := encodeTime(now)
		var ids []int64
		c := ob.due.Cursor()
		for k, _ := c.First(); k != nil && len(ids) < limit; k, _ = c.Next() {
			if len(k) != 16 {
				return errCorrupt
			}
			if bytes.Compare(k[:8], nowKey) > 0 {
				break
			}
			id, _ := decodeInt(k[8:])
			ids = append(ids, id)
		}
		until := now.Add(lease)
		for _, id := range ids {
			item, vis, ok, err := ob.load(id)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if err := ob.save(item, vis, until); err != nil {
				return err
			}
			claimed = append(claimed, item)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: outbox claim: %w", err)
	}
	return claimed, nil
}

// Ack removes a delivered item; acknowledging a missing item is not an error.
func (o *outbox) Ack(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := o.db.Batch(func(tx *bolt.Tx) error {
		ob := openOutbox(tx)
		item, vis, ok, err := ob.load(id)
		if err != nil || !ok {
			return err
		}
		if err := ob.items.Delete(encodeInt(id)); err != nil {
			return err
		}
		if err := ob.due.Delete(indexKey(vis, id)); err != nil {
			return err
		}
		if err := ob.created.Delete(indexKey(encodeTime(item.Created), id)); err != nil {
			return err
		}
		if err := ob.delivered(item, time.Now()); err != nil {
			return err
		}
		return ob.addDepth(-1)
	})
	if err != nil {
		return fmt.Errorf("embedded: outbox ack %d: %w", id, err)
	}
	return nil
}

// Retry makes an item due again at dueAt, counting the attempt and its error.
// A zero dueAt means now. It returns store.ErrNotFound when the item does not
// exist.
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
	if err := ctx.Err(); err != nil {
		return err
	}
	if dueAt.IsZero() {
		dueAt = time.Now()
	}
	err := o.db.Update(func(tx *bolt.Tx) error {
		ob := openOutbox(tx)
		item, vis, ok, err := ob.load(id)
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		change(&item)
		item.DueAt = dueAt
		return ob.save(item, vis, dueAt)
	})
	if err != nil {
		return fmt.Errorf("embedded: outbox %s %d: %w", op, id, err)
	}
	return nil
}

// Stats reports how many items wait and the oldest one's creation time.
func (o *outbox) Stats(ctx context.Context) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	var (
		depth  int64
		oldest time.Time
	)
	err := o.db.View(func(tx *bolt.Tx) error {
		ob := openOutbox(tx)
		if v := ob.meta.Get(metaDepth); v != nil {
			n, err := decodeInt(v)
			if err != nil {
				return err
			}
			depth = n
		}
		if k, _ := ob.created.Cursor().First(); len(k) == 16 {
			oldest = decodeTime(k)
		}
		return nil
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("embedded: outbox stats: %w", err)
	}
	return int(depth), oldest, nil
}
