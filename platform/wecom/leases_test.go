package wecom

import (
	"context"
	"errors"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// storeLeases is a LeaseStore over a store.Store for the tests (the core has
// its own in app).
type storeLeases struct{ st store.Store }

const testLeaseColl = "wecom.longconn"

func leasesOf(st store.Store) LeaseStore {
	if st == nil {
		return nil
	}
	return storeLeases{st}
}

func (s storeLeases) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	return s.st.Acquire(ctx, name, owner, ttl)
}

func (s storeLeases) Release(ctx context.Context, name, owner string) error {
	return s.st.Release(ctx, name, owner)
}

func (s storeLeases) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := s.st.Get(ctx, testLeaseColl, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

func (s storeLeases) Put(ctx context.Context, key string, v []byte) error {
	return s.st.Put(ctx, testLeaseColl, key, v)
}

func (s storeLeases) Delete(ctx context.Context, key string) error {
	if err := s.st.Delete(ctx, testLeaseColl, key); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
