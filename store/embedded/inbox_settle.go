package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

// Done removes a handled item; removing a missing item is not an error.
func (in *inbox) Done(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := in.db.Batch(func(tx *bolt.Tx) error {
		t := openInbox(tx)
		r, ok, err := t.load([]byte(id))
		if err != nil || !ok {
			return err
		}
		if err := t.unlink([]byte(id), r); err != nil {
			return err
		}
		return t.items.Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("embedded: inbox done %s: %w", id, err)
	}
	return nil
}

// Retry makes an item waiting again, in its place in arrival order, counting
// an attempt. It returns store.ErrNotFound when the item does not exist.
func (in *inbox) Retry(ctx context.Context, id string, reason string) error {
	err := in.update(ctx, "retry", id, func(tx *bolt.Tx, t inboxTx, r inboxRecord) error {
		if err := t.unlink([]byte(id), r); err != nil {
			return err
		}
		r.Attempts++
		r.By, r.At = "", 0
		if err := t.save([]byte(id), r); err != nil {
			return err
		}
		if err := t.ready.Put([]byte(id), nil); err != nil {
			return err
		}
		return t.add(metaWaiting, 1)
	})
	if err != nil {
		return err
	}
	in.notify()
	return nil
}

// Bury moves an item into the dead-letter ledger in one transaction. It
// returns store.ErrNotFound when the item does not exist.
func (in *inbox) Bury(ctx context.Context, id string, reason string) error {
	return in.update(ctx, "bury", id, func(tx *bolt.Tx, t inboxTx, r inboxRecord) error {
		entry, err := json.Marshal(store.DeadLetter{Item: r.item([]byte(id)), Reason: reason, At: time.Now()})
		if err != nil {
			return err
		}
		if _, _, err := appendTx(tx, store.DeadLedger, "", entry); err != nil {
			return err
		}
		if err := t.unlink([]byte(id), r); err != nil {
			return err
		}
		return t.items.Delete([]byte(id))
	})
}

// update runs fn on item id in one transaction; store.ErrNotFound when the
// item does not exist. Errors name op and id.
func (in *inbox) update(ctx context.Context, op, id string, fn func(tx *bolt.Tx, t inboxTx, r inboxRecord) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := in.db.Update(func(tx *bolt.Tx) error {
		t := openInbox(tx)
		r, ok, err := t.load([]byte(id))
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		return fn(tx, t, r)
	})
	if err != nil {
		return fmt.Errorf("embedded: inbox %s %s: %w", op, id, err)
	}
	return nil
}
