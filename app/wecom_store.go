package app

import (
	"context"
	"errors"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// wecomColl holds the WeCom long connection's coordination records.
const wecomColl = "wecom.longconn"

// storeLeases is wecom.LeaseStore over the store: leases are the store's,
// records live in wecomColl.
type storeLeases struct{ st store.Store }

func (s storeLeases) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	return s.st.Acquire(ctx, name, owner, ttl)
}

func (s storeLeases) Release(ctx context.Context, name, owner string) error {
	return s.st.Release(ctx, name, owner)
}

func (s storeLeases) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := s.st.Get(ctx, wecomColl, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

func (s storeLeases) Put(ctx context.Context, key string, v []byte) error {
	return s.st.Put(ctx, wecomColl, key, v)
}

func (s storeLeases) Delete(ctx context.Context, key string) error {
	if err := s.st.Delete(ctx, wecomColl, key); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
