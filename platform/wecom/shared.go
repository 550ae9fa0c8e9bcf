package wecom

import (
	"context"
	"time"
)

// TokenStore caches the self-built app's access token by key so that
// replicas share one token. Get returns an empty token when it holds none; Put with an empty token forgets the key. The core
// backs it with its store; New uses bot.MemoryTokens when none is given.
type TokenStore interface {
	Get(ctx context.Context, key string) (token string, expires time.Time, err error)
	Put(ctx context.Context, key, token string, expires time.Time) error
}

// LeaseStore coordinates the long connection between replicas: the lease on
// the connection and a few small records beside it (which replica asks for
// the connection, when it was kicked). Get reports found false for a missing
// key; Delete of a missing key is no error.
type LeaseStore interface {
	// Acquire takes or renews the lease name for owner for ttl and reports
	// whether owner holds it.
	Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	// Release gives the lease up if owner holds it.
	Release(ctx context.Context, name, owner string) error
	Get(ctx context.Context, key string) (v []byte, found bool, err error)
	Put(ctx context.Context, key string, v []byte) error
	Delete(ctx context.Context, key string) error
}
