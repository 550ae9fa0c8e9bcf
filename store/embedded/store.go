// Package embedded implements store.Store over a single bbolt file, for a bot
// that runs as one process.
//
// Layout (top-level buckets):
//
//	c       one nested bucket per collection: key -> value
//	seq     sequence name -> int64
//	l       one nested bucket per ledger, holding "e" (seq -> entry) and "i" (idempotency key -> seq)
//	seen    key -> expiry; seenx indexes expiry|key for a cheap sweep
//	lease   name -> expiry|owner
//	outbox  "items" (id -> due|item), "due" (due|id), "created" (created|id), "meta",
//	        "keys" (idempotency key -> id|expiry), "keyx" (expiry|key)
//	inbox   "items" (id -> item), "ready" (id), "taken" (taken-at|id), "meta"
//
// Integers and times are stored as 8-byte big-endian values; times are Unix
// nanoseconds with the sign bit flipped so that they sort byte-wise.
package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

var (
	bucketColls  = []byte("c")
	bucketSeq    = []byte("seq")
	bucketLedger = []byte("l")
	bucketSeen   = []byte("seen")
	bucketSeenX  = []byte("seenx")
	bucketLease  = []byte("lease")
	bucketOutbox = []byte("outbox")
)

// scanChunk is how many documents Scan and Ledger read per read transaction.
// Reading in chunks keeps callbacks outside transactions, so fn may write to
// the store without dead-locking against bbolt's mmap lock.
const scanChunk = 512

// Store is the bbolt implementation of store.Store. It is safe for concurrent
// use by many goroutines.
type Store struct {
	db     *bolt.DB
	outbox *outbox
	inbox  *inbox

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the database file at path, creating parent
// directories as needed.
func Open(path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("embedded: create directory %s: %w", dir, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: 5 * time.Second,
		// The freelist is rebuilt by scanning at open instead of being
		// written by every commit; the map freelist allocates in O(1).
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		// 16 KiB pages (for new files) cut the pages a batch import dirties
		// by about three, and a 64 MiB initial mapping (address space, not
		// disk) avoids remapping while a file grows to that size. Commits
		// still fsync: durability is kept.
		PageSize:        16 << 10,
		InitialMmapSize: 64 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketColls, bucketSeq, bucketLedger, bucketSeen, bucketSeenX, bucketLease} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := initOutbox(tx); err != nil {
			return err
		}
		return initInbox(tx)
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("embedded: initialise %s: %w", path, err)
	}
	// Batched writes (FirstSeen, PutIfAbsent) wait at most this long for
	// company before committing; bbolt's default of 10 ms would slow a lone call.
	db.MaxBatchDelay = 2 * time.Millisecond
	s := &Store{db: db}
	s.outbox = &outbox{db: db}
	s.inbox = &inbox{s: s, db: db}
	return s, nil
}

// Outbox returns the queue of outgoing messages.
func (s *Store) Outbox() store.Outbox { return s.outbox }

// Ping reports whether the database is open.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.db.View(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("embedded: ping: %w", err)
	}
	return nil
}

// Close closes the database file. Calling it again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("embedded: close: %w", err)
		}
	})
	return s.closeErr
}

// errCorrupt reports a value that does not have the expected encoding.
var errCorrupt = errors.New("embedded: corrupt value")

func encodeInt(n int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(n))
	return b
}

func decodeInt(b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, errCorrupt
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// encodeTime encodes t so that encodings sort in time order.
func encodeTime(t time.Time) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(t.UnixNano())^(1<<63))
	return b
}

func decodeTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8])^(1<<63)))
}

// clone copies a slice that bbolt only lends for the transaction's lifetime.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}
