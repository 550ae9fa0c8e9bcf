// Package store defines the persistence contract banzu's features share, with an
// embedded implementation (bbolt, one file) and a Redis one for replicas.
//
// Everything is expressed in a few primitives so both implementations stay small:
// ordered documents in collections, sequences, an append-only ledger with
// idempotency keys, time-limited "first seen" markers, leases (locks with a TTL),
// counters, and an outbox of outgoing messages. Update (read-modify-write of
// one key) and Write (several keys at once) make changes atomic.
//
// Features use them through the helpers built on top: Coll[T] keeps typed
// documents as JSON (Get, Put, Update in a transaction, ranges by prefix with
// PrefixEnd), and WithLease runs a function while holding a renewed lease.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by Get when the key does not exist.
var ErrNotFound = errors.New("store: not found")

// KV is one document in a collection.
type KV struct {
	Key   string
	Value []byte
}

// Store is the whole persistence contract. Collection and key names are plain
// strings; keys sort byte-wise, so callers build them to sort the way they scan
// (for example "team/agent/2026-10-01").
type Store interface {
	// Put writes one document, replacing any previous value.
	Put(ctx context.Context, coll, key string, value []byte) error
	// PutBatch writes many documents of one collection at once (atomically in the
	// embedded store, pipelined in Redis).
	PutBatch(ctx context.Context, coll string, items []KV) error
	// PutIfAbsent writes the document only when the key does not exist yet and
	// reports whether it did. It is atomic across replicas.
	PutIfAbsent(ctx context.Context, coll, key string, value []byte) (bool, error)
	// Get reads one document or returns ErrNotFound.
	Get(ctx context.Context, coll, key string) ([]byte, error)
	// Delete removes a document; deleting a missing key is not an error.
	Delete(ctx context.Context, coll, key string) error
	// Update (read-modify-write of one key) and Write (many keys at once).
	Updater
	// Scan calls fn for every document whose key is in [from, to) in key order.
	// An empty to means "to the end". Returning an error from fn stops the scan
	// and Scan returns that error.
	Scan(ctx context.Context, coll, from, to string, fn func(key string, value []byte) error) error

	// NextID returns the next value of a named sequence, starting at 1.
	NextID(ctx context.Context, seq string) (int64, error)
	// Incr adds delta to a named counter in a collection and returns the new value.
	Incr(ctx context.Context, coll, key string, delta int64) (int64, error)

	// Append adds an entry to an append-only ledger. When idemKey is not empty and
	// an entry with that key exists already, nothing is added and the existing
	// entry's sequence number is returned with created == false.
	Append(ctx context.Context, ledger, idemKey string, entry []byte) (seq int64, created bool, err error)
	// Ledger calls fn for every entry with a sequence number greater than after,
	// in order.
	Ledger(ctx context.Context, ledger string, after int64, fn func(seq int64, entry []byte) error) error

	// FirstSeen records key for ttl and reports whether this is the first time it
	// was seen within that window (message de-duplication).
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// Acquire takes or renews the lease name for owner for ttl. It succeeds when
	// the lease is free, expired, or already held by owner.
	Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	// Release gives the lease up if owner holds it.
	Release(ctx context.Context, name, owner string) error

	// Outbox returns the queue of outgoing messages.
	Outbox() Outbox
	// Inbox returns the durable queue of incoming events.
	Inbox() Inbox

	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// OutboxKeyTTL is how long the key of an acknowledged outbox item keeps
// Enqueue from adding the same message again.
const OutboxKeyTTL = 24 * time.Hour

// OutboxItem is one outgoing message waiting for delivery. Payload is opaque to
// the store (the bot package serialises destination and message into it).
type OutboxItem struct {
	ID   int64  `json:"id"`
	Dest string `json:"dest"` // pacing key, e.g. "wecom:webhook:3f2a…" (never a secret)
	// Key, when set, makes Enqueue idempotent: see Outbox.Enqueue.
	Key       string    `json:"key,omitempty"`
	Payload   []byte    `json:"payload"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	Created   time.Time `json:"created"`
	DueAt     time.Time `json:"due_at"`
}

// Outbox stores outgoing messages until they are delivered. Delivery is at least
// once: a claimed item that is neither acknowledged nor rescheduled before its
// lease runs out is claimed again.
type Outbox interface {
	// Enqueue stores an item, assigns its ID and makes it due at item.DueAt
	// (now when zero). When item.Key is not empty and an item with that key
	// is still queued, or was acknowledged within OutboxKeyTTL, it adds
	// nothing and returns that item's ID (atomic across replicas): a reply
	// enqueued again by a redelivered event is not sent twice.
	Enqueue(ctx context.Context, item OutboxItem) (int64, error)
	// Claim returns up to limit items due at or before now, oldest due first, and
	// hides each of them from other claims for lease.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxItem, error)
	// Ack removes a delivered item.
	Ack(ctx context.Context, id int64) error
	// Retry makes an item due again at dueAt, counting the attempt and its error.
	Retry(ctx context.Context, id int64, dueAt time.Time, lastErr string) error
	// Postpone makes an item due again at dueAt without counting an attempt
	// (a rate limit deferred it; nothing failed). ErrNotFound when missing.
	Postpone(ctx context.Context, id int64, dueAt time.Time) error
	// Stats reports how many items wait and the oldest one's creation time
	// (zero when empty).
	Stats(ctx context.Context) (depth int, oldest time.Time, err error)
}
