// Package redisstore implements store.Store over Redis (single node, Sentinel
// or Cluster), so that several bot replicas share state.
//
// Keys all start with a prefix (default "banzu:"). Keys that one operation
// touches together carry the same hash tag, so they live in one Cluster slot:
//
//	{c:COLL}:h        hash key -> value of a collection
//	{c:COLL}:z        sorted set of the same keys, score 0, for ordered scans
//	seq:NAME          sequence (INCR)
//	{l:NAME}:n        ledger's last sequence number
//	{l:NAME}:e        hash seq -> entry
//	{l:NAME}:i        hash idempotency key -> seq
//	seen:KEY          first-seen marker (SET NX PX)
//	lease:NAME        owner of a lease, with a TTL
//	{outbox}:seq      outbox item IDs
//	{outbox}:items    hash id -> JSON item
//	{outbox}:due      sorted set id scored by visible-at in Unix microseconds
//	{outbox}:created  sorted set id scored by creation time in Unix microseconds
//	{outbox}:key:KEY  id of the item enqueued with idempotency key KEY
//	{inbox}:s         stream of incoming events, consumer group "workers"
//	{inbox}:seen:KEY  de-duplication mark of an inbox key (SET PX)
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

// DefaultPrefix is the key prefix used when none is given.
const DefaultPrefix = "banzu:"

// Options says how to reach Redis. Set either URL (one node, e.g.
// "redis://user:pass@host:6379/0" or "rediss://..."), or Addrs: with
// MasterName they are Sentinel addresses, otherwise one address means one
// node and several mean a Cluster. Username, Password and DB, when set,
// override what the URL says.
type Options struct {
	URL        string
	Addrs      []string
	MasterName string
	Username   string
	Password   string
	DB         int
	Prefix     string
}

// Store is the Redis implementation of store.Store. It is safe for concurrent
// use.
type Store struct {
	client redis.UniversalClient
	prefix string
	owned  bool
	outbox *outbox
	inbox  *inbox
	batch  *batcher

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open builds a client from opts, pings it and returns a Store that owns the
// client (Close closes it).
func Open(opts Options) (*Store, error) {
	uopts, err := universalOptions(opts)
	if err != nil {
		return nil, err
	}
	client := redis.NewUniversalClient(uopts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("redisstore: ping %v: %w", uopts.Addrs, err)
	}
	s := New(client, opts.Prefix)
	s.owned = true
	return s, nil
}

func universalOptions(opts Options) (*redis.UniversalOptions, error) {
	u := &redis.UniversalOptions{
		Addrs:      opts.Addrs,
		MasterName: opts.MasterName,
		Username:   opts.Username,
		Password:   opts.Password,
		DB:         opts.DB,
		// Platform callbacks arrive by the hundred at once and each waits
		// for its inbox write: more connections than go-redis's default
		// (10 per CPU) keep them from queueing for one.
		PoolSize: max(64, 10*runtime.GOMAXPROCS(0)),
	}
	switch {
	case opts.URL != "":
		if len(opts.Addrs) > 0 {
			return nil, errors.New("redisstore: set either URL or Addrs, not both")
		}
		p, err := redis.ParseURL(opts.URL)
		if err != nil {
			return nil, fmt.Errorf("redisstore: parse URL: %w", err)
		}
		u.Addrs = []string{p.Addr}
		u.TLSConfig = p.TLSConfig
		if u.Username == "" {
			u.Username = p.Username
		}
		if u.Password == "" {
			u.Password = p.Password
		}
		if u.DB == 0 {
			u.DB = p.DB
		}
	case len(opts.Addrs) == 0:
		return nil, errors.New("redisstore: no URL or Addrs given")
	}
	return u, nil
}

// New returns a Store over an existing client. The caller keeps ownership of
// the client: Close does not close it. An empty prefix means DefaultPrefix.
func New(client redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	s := &Store{client: client, prefix: prefix}
	s.outbox = &outbox{s: s}
	s.inbox = &inbox{s: s}
	s.batch = &batcher{client: client}
	return s
}

// Client returns the underlying client so other packages can share it.
func (s *Store) Client() redis.UniversalClient { return s.client }

// Outbox returns the queue of outgoing messages.
func (s *Store) Outbox() store.Outbox { return s.outbox }

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}

// Close closes the client when the Store was created by Open. Calling it
// again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if !s.owned {
			return
		}
		if err := s.client.Close(); err != nil {
			s.closeErr = fmt.Errorf("redisstore: close: %w", err)
		}
	})
	return s.closeErr
}
