package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

// Inbox buckets, nested in bucketInbox:
//
//	items  id -> JSON record (the item, who took it and when)
//	ready  id -> nothing: items waiting to be taken, in arrival order
//	taken  taken-at + id -> nothing: taken items, the longest idle first
//	meta   "waiting", "taken" -> counts
//
// Ids are a bucket sequence, zero-padded to 20 digits so they sort as text.
// De-duplication marks live in the seen bucket under "inbox\x00" + key, so
// FirstSeen's sweep removes them once expired.
var (
	bucketInbox  = []byte("inbox")
	inboxItems   = []byte("items")
	inboxReady   = []byte("ready")
	inboxTaken   = []byte("taken")
	inboxMeta    = []byte("meta")
	metaWaiting  = []byte("waiting")
	metaTaken    = []byte("taken")
	inboxSeenPfx = "inbox\x00"
)

// inboxRecord is how an item is stored.
type inboxRecord struct {
	Key      string    `json:"key,omitempty"`
	Payload  []byte    `json:"payload"`
	Attempts int       `json:"attempts"`
	Added    time.Time `json:"added"`
	By       string    `json:"by,omitempty"` // consumer holding it; empty while waiting
	At       int64     `json:"at,omitempty"` // when taken or last touched, Unix ns
}

type inbox struct {
	s  *Store
	db *bolt.DB

	mu    sync.Mutex
	added chan struct{} // closed (and replaced) by every Add
}

var _ store.Inbox = (*inbox)(nil)

func initInbox(tx *bolt.Tx) error {
	ib, err := tx.CreateBucketIfNotExists(bucketInbox)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{inboxItems, inboxReady, inboxTaken, inboxMeta} {
		if _, err := ib.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// Inbox returns the durable queue of incoming events.
func (s *Store) Inbox() store.Inbox { return s.inbox }

// inboxTx bundles the inbox buckets of one transaction.
type inboxTx struct {
	items, ready, taken, meta *bolt.Bucket
}

func openInbox(tx *bolt.Tx) inboxTx {
	ib := tx.Bucket(bucketInbox)
	return inboxTx{
		items: ib.Bucket(inboxItems),
		ready: ib.Bucket(inboxReady),
		taken: ib.Bucket(inboxTaken),
		meta:  ib.Bucket(inboxMeta),
	}
}

func inboxID(seq uint64) []byte { return fmt.Appendf(nil, "%020d", seq) }

func takenKey(at int64, id []byte) []byte {
	return append(encodeTime(time.Unix(0, at)), id...)
}

func (t inboxTx) load(id []byte) (inboxRecord, bool, error) {
	var r inboxRecord
	v := t.items.Get(id)
	if v == nil {
		return r, false, nil
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, false, fmt.Errorf("decode inbox item %s: %w", id, err)
	}
	return r, true, nil
}

func (t inboxTx) save(id []byte, r inboxRecord) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode inbox item %s: %w", id, err)
	}
	return t.items.Put(id, data)
}

func (t inboxTx) count(name []byte) (int64, error) {
	v := t.meta.Get(name)
	if v == nil {
		return 0, nil
	}
	return decodeInt(v)
}

func (t inboxTx) add(name []byte, delta int64) error {
	n, err := t.count(name)
	if err != nil {
		return err
	}
	return t.meta.Put(name, encodeInt(n+delta))
}

// unlink removes id's entry from the ready or the taken index and adjusts
// the counts accordingly.
func (t inboxTx) unlink(id []byte, r inboxRecord) error {
	if r.By == "" {
		if err := t.ready.Delete(id); err != nil {
			return err
		}
		return t.add(metaWaiting, -1)
	}
	if err := t.taken.Delete(takenKey(r.At, id)); err != nil {
		return err
	}
	return t.add(metaTaken, -1)
}

// take marks r as held by consumer from now on.
func (t inboxTx) take(id []byte, r *inboxRecord, consumer string, now time.Time) error {
	r.By, r.At = consumer, now.UnixNano()
	if err := t.save(id, *r); err != nil {
		return err
	}
	if err := t.taken.Put(takenKey(r.At, id), nil); err != nil {
		return err
	}
	return t.add(metaTaken, 1)
}

func (r inboxRecord) item(id []byte) store.InboxItem {
	return store.InboxItem{ID: string(id), Key: r.Key, Payload: r.Payload, Attempts: r.Attempts, Added: r.Added}
}

// wakeup returns a channel closed by the next Add.
func (in *inbox) wakeup() <-chan struct{} {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.added == nil {
		in.added = make(chan struct{})
	}
	return in.added
}

func (in *inbox) notify() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.added != nil {
		close(in.added)
		in.added = nil
	}
}

// Add stores payload under key unless key was added within dedupTTL. The
// mark and the item are written in one transaction, shared with concurrent
// calls (bbolt Batch).
func (in *inbox) Add(ctx context.Context, key string, payload []byte, dedupTTL time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if key != "" && dedupTTL <= 0 {
		return false, fmt.Errorf("embedded: inbox add %s: dedup ttl must be positive", key)
	}
	var added bool
	err := in.db.Batch(func(tx *bolt.Tx) error {
		added = false
		now := time.Now()
		seen, index := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenX)
		if err := sweepSeen(seen, index, now, sweepPerCall); err != nil {
			return err
		}
		if key != "" {
			k := []byte(inboxSeenPfx + key)
			if v := seen.Get(k); len(v) == 8 {
				if decodeTime(v).After(now) {
					return nil
				}
				if err := index.Delete(seenIndexKey(v, k)); err != nil {
					return err
				}
			}
			exp := encodeTime(now.Add(dedupTTL))
			if err := seen.Put(k, exp); err != nil {
				return err
			}
			if err := index.Put(seenIndexKey(exp, k), nil); err != nil {
				return err
			}
		}
		t := openInbox(tx)
		seq, err := t.items.NextSequence()
		if err != nil {
			return err
		}
		id := inboxID(seq)
		// Ids only grow, so pages can be filled completely.
		t.items.FillPercent, t.ready.FillPercent = 1.0, 1.0
		if err := t.save(id, inboxRecord{Key: key, Payload: payload, Added: now}); err != nil {
			return err
		}
		if err := t.ready.Put(id, nil); err != nil {
			return err
		}
		added = true
		return t.add(metaWaiting, 1)
	})
	if err != nil {
		return false, fmt.Errorf("embedded: inbox add %s: %w", key, err)
	}
	if added {
		in.notify()
	}
	return added, nil
}

// DeadLetters calls fn for each buried item, oldest first.
func (in *inbox) DeadLetters(ctx context.Context, fn func(store.DeadLetter) error) error {
	return in.s.Ledger(ctx, store.DeadLedger, 0, func(seq int64, entry []byte) error {
		var d store.DeadLetter
		if err := json.Unmarshal(entry, &d); err != nil {
			return fmt.Errorf("embedded: dead letter %d: %w", seq, err)
		}
		return fn(d)
	})
}

// Stats reports the inbox's depth from counts kept by every change.
func (in *inbox) Stats(ctx context.Context) (store.InboxStats, error) {
	var st store.InboxStats
	if err := ctx.Err(); err != nil {
		return st, err
	}
	err := in.db.View(func(tx *bolt.Tx) error {
		t := openInbox(tx)
		waiting, err := t.count(metaWaiting)
		if err != nil {
			return err
		}
		taken, err := t.count(metaTaken)
		if err != nil {
			return err
		}
		st.Waiting, st.Taken = int(waiting), int(taken)
		if k, _ := t.items.Cursor().First(); k != nil {
			r, _, err := t.load(k)
			if err != nil {
				return err
			}
			st.Oldest = r.Added
		}
		if lb := tx.Bucket(bucketLedger).Bucket([]byte(store.DeadLedger)); lb != nil {
			if e := lb.Bucket(ledgerEntries); e != nil {
				st.Dead = int64(e.Sequence())
			}
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("embedded: inbox stats: %w", err)
	}
	return st, nil
}

// dumpInbox yields every item still in the inbox, in arrival order.
func dumpInbox(tx *bolt.Tx, fn func(store.Item) error) error {
	return openInbox(tx).items.ForEach(func(k, v []byte) error {
		var r inboxRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("inbox item %s: %w", k, err)
		}
		it := r.item(k)
		return fn(store.Item{Kind: store.ItemInbox, In: &it})
	})
}
