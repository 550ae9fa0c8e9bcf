package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

// Take returns up to limit items for consumer: items idle for longer than
// idle first (taken over, counting an attempt), then waiting ones in arrival
// order. When none is ready it waits up to wait, woken by Add or by the
// moment a taken item becomes idle enough to be taken over.
func (in *inbox) Take(ctx context.Context, consumer string, limit int, idle, wait time.Duration) ([]store.InboxItem, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	if idle <= 0 {
		return nil, errors.New("embedded: inbox take: idle must be positive")
	}
	deadline := time.Now().Add(wait)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		added := in.wakeup()
		items, nextIdle, err := in.take(consumer, limit, idle)
		if err != nil {
			return nil, fmt.Errorf("embedded: inbox take: %w", err)
		}
		left := time.Until(deadline)
		if len(items) > 0 || left <= 0 {
			return items, nil
		}
		if !nextIdle.IsZero() {
			left = min(left, time.Until(nextIdle)+time.Millisecond)
		}
		timer := time.NewTimer(max(left, time.Millisecond))
		select {
		case <-added:
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
	}
}

// take runs one taking transaction. When it takes nothing, nextIdle is when
// the longest-idle taken item can be taken over (zero when none is taken).
func (in *inbox) take(consumer string, limit int, idle time.Duration) ([]store.InboxItem, time.Time, error) {
	var (
		out      []store.InboxItem
		nextIdle time.Time
	)
	err := in.db.Batch(func(tx *bolt.Tx) error {
		out, nextIdle = out[:0], time.Time{}
		t := openInbox(tx)
		now := time.Now()
		// Taken over first: entries of the taken index older than now-idle.
		idleKey := encodeTime(now.Add(-idle))
		var stale [][]byte
		c := t.taken.Cursor()
		for k, _ := c.First(); k != nil && len(stale) < limit; k, _ = c.Next() {
			if len(k) < 8 {
				return errCorrupt
			}
			if bytes.Compare(k[:8], idleKey) >= 0 {
				nextIdle = decodeTime(k).Add(idle)
				break
			}
			stale = append(stale, clone(k))
		}
		claim := func(key, id []byte, takenOver bool) error {
			it, ok, err := t.claim(key, id, takenOver, consumer, now)
			if ok {
				out = append(out, it)
			}
			return err
		}
		for _, k := range stale {
			if err := claim(k, k[8:], true); err != nil {
				return err
			}
		}
		var fresh [][]byte
		c = t.ready.Cursor()
		for k, _ := c.First(); k != nil && len(out)+len(fresh) < limit; k, _ = c.Next() {
			fresh = append(fresh, clone(k))
		}
		for _, id := range fresh {
			if err := claim(id, id, false); err != nil {
				return err
			}
		}
		if len(out) > 0 {
			nextIdle = time.Time{}
		}
		return nil
	})
	return out, nextIdle, err
}

// Touch restarts the idle time of the items consumer still holds; items
// taken over by another consumer meanwhile are left alone.
func (in *inbox) Touch(ctx context.Context, consumer string, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	err := in.db.Batch(func(tx *bolt.Tx) error {
		t := openInbox(tx)
		now := time.Now().UnixNano()
		for _, s := range ids {
			id := []byte(s)
			r, ok, err := t.load(id)
			if err != nil {
				return err
			}
			if !ok || r.By != consumer || r.At >= now {
				continue
			}
			if err := t.taken.Delete(takenKey(r.At, id)); err != nil {
				return err
			}
			r.At = now
			if err := t.save(id, r); err != nil {
				return err
			}
			if err := t.taken.Put(takenKey(r.At, id), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded: inbox touch: %w", err)
	}
	return nil
}

// claim gives item id to consumer, removing key from the index it was in:
// the taken index when it is taken over (which counts an attempt), else the
// ready one. ok is false when the item is gone.
func (t inboxTx) claim(key, id []byte, takenOver bool, consumer string, now time.Time) (it store.InboxItem, ok bool, err error) {
	index, meta := t.ready, metaWaiting
	if takenOver {
		index, meta = t.taken, metaTaken
	}
	if err := index.Delete(key); err != nil {
		return it, false, err
	}
	if err := t.add(meta, -1); err != nil {
		return it, false, err
	}
	r, ok, err := t.load(id)
	if err != nil || !ok {
		return it, false, err
	}
	if takenOver {
		r.Attempts++
	}
	if err := t.take(id, &r, consumer, now); err != nil {
		return it, false, err
	}
	return r.item(id), true, nil
}
