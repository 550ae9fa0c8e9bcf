package store

import (
	"context"
	"errors"
	"time"
)

// Leaser is the lease part of Store.
type Leaser interface {
	Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, owner string) error
}

var (
	// ErrLeaseHeld is returned by WithLease when another owner holds the
	// lease: fn did not run.
	ErrLeaseHeld = errors.New("store: lease held by another owner")
	// ErrLeaseLost is the cause of the context WithLease gives fn when the
	// lease could not be renewed, and WithLease's error when fn then ends
	// with that context's error.
	ErrLeaseLost = errors.New("store: lease lost")
)

// WithLease takes the lease name for owner for ttl and runs fn while holding
// it: the lease is renewed every ttl/3, fn's context is cancelled (cause
// ErrLeaseLost) when a renewal finds another owner or renewals have failed
// for a whole ttl, and the lease is released when fn returns. When the lease
// is held by another owner fn does not run and WithLease returns
// ErrLeaseHeld. Otherwise it returns fn's error.
func WithLease(ctx context.Context, st Leaser, name, owner string, ttl time.Duration, fn func(ctx context.Context) error) error {
	ok, err := st.Acquire(ctx, name, owner, ttl)
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeaseHeld
	}
	held := time.Now()
	runCtx, cancel := context.WithCancelCause(ctx)
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(max(ttl/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-runCtx.Done():
				return
			case <-t.C:
			}
			at := time.Now()
			ok, err := st.Acquire(runCtx, name, owner, ttl)
			switch {
			case err == nil && ok:
				held = at
			case err == nil, time.Since(held) >= ttl:
				cancel(ErrLeaseLost)
				return
			}
		}
	}()
	err = fn(runCtx)
	close(stop)
	<-renewed
	lost := errors.Is(context.Cause(runCtx), ErrLeaseLost)
	cancel(nil)
	// Release is a no-op when another owner took the lease.
	_ = st.Release(context.WithoutCancel(ctx), name, owner)
	if lost && err != nil && errors.Is(err, context.Canceled) {
		err = ErrLeaseLost
	}
	return err
}
