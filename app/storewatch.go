package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/banzu-bot/banzu/metrics"
	"github.com/banzu-bot/banzu/store"
)

// storeWatch watches the store's writes: a failed write (disk full, a
// read-only file system, Redis refusing writes) is counted in /metrics by
// operation and reason, logged at most once per logEvery with the number of
// failures in between (a store that flaps logs at most two lines per
// logEvery), and makes /readyz answer 503 until a write succeeds
// again. Without it a full disk showed as 500s with no log line and a ready
// server.
type storeWatch struct {
	log     *slog.Logger
	now     func() time.Time
	failing atomic.Bool

	mu         sync.Mutex
	failures   *metrics.CounterVec // nil until register
	lastLog    time.Time
	suppressed int
	announced  bool // the last failure episode was logged: log its end too
}

// logEvery bounds the store-failure log lines.
const logEvery = 10 * time.Second

func newStoreWatch(log *slog.Logger, now func() time.Time) *storeWatch {
	return &storeWatch{log: log, now: now}
}

// register adds the watch's metrics to reg.
func (w *storeWatch) register(reg *metrics.Registry) {
	w.mu.Lock()
	w.failures = reg.Counter("banzu_store_write_failures_total", "Store writes that failed, by operation and reason (disk_full: no space or Redis at maxmemory; read_only; timeout; other).", "op", "reason")
	w.mu.Unlock()
	reg.GaugeFunc("banzu_store_writable", "1 while the last store write succeeded, 0 after a failed write until one succeeds.", func() []metrics.Sample {
		if w.failing.Load() {
			return []metrics.Sample{{Value: 0}}
		}
		return []metrics.Sample{{Value: 1}}
	})
}

// reason classifies a write error for the metrics label.
func reason(err error) string {
	msg := strings.ToLower(err.Error())
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), strings.Contains(msg, "no space left"), strings.Contains(msg, "quota exceeded"),
		strings.Contains(msg, "oom command not allowed"): // Redis at maxmemory
		return "disk_full"
	case errors.Is(err, syscall.EROFS), strings.Contains(msg, "read-only"), strings.Contains(msg, "readonly"),
		strings.Contains(msg, "tx not writable"):
		return "read_only"
	case errors.Is(err, context.DeadlineExceeded), strings.Contains(msg, "timeout"):
		return "timeout"
	}
	return "other"
}

// done records the outcome of one write.
func (w *storeWatch) done(op string, err error) {
	if err == nil {
		if w.failing.Load() && w.failing.CompareAndSwap(true, false) {
			w.mu.Lock()
			n, logIt := w.suppressed, w.announced
			if logIt {
				w.suppressed, w.announced = 0, false
			}
			w.mu.Unlock()
			if logIt {
				w.log.Warn("store writes succeed again", "op", op, "failures_not_logged", n)
			}
		}
		return
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, store.ErrNotFound) {
		return // the caller gave up, or a missing document: not the store failing
	}
	w.failing.Store(true)
	why := reason(err)
	now := w.now()
	w.mu.Lock()
	if w.failures != nil {
		w.failures.Inc(op, why)
	}
	logIt := w.lastLog.IsZero() || now.Sub(w.lastLog) >= logEvery
	n := w.suppressed
	if logIt {
		w.lastLog, w.suppressed, w.announced = now, 0, true
	} else {
		w.suppressed++
	}
	w.mu.Unlock()
	if logIt {
		w.log.Error("store write failed; /readyz answers 503 until a write succeeds", "op", op, "reason", why, "error", err, "failures_not_logged", n)
	}
}

// wrap returns st with its writes watched. Reads and every method it does
// not name pass through (the embedded interface).
func (w *storeWatch) wrap(st store.Store) store.Store {
	if st == nil {
		return nil
	}
	return &watchedStore{Store: st, w: w}
}

// unwrapStore returns the store under a watchedStore (for type assertions
// on the implementation: online backup, the shared Redis client).
func unwrapStore(st store.Store) store.Store {
	if ws, ok := st.(*watchedStore); ok {
		return ws.Store
	}
	return st
}

type watchedStore struct {
	store.Store
	w *storeWatch
}

func (s *watchedStore) Put(ctx context.Context, coll, key string, value []byte) error {
	err := s.Store.Put(ctx, coll, key, value)
	s.w.done("put", err)
	return err
}

func (s *watchedStore) PutBatch(ctx context.Context, coll string, items []store.KV) error {
	err := s.Store.PutBatch(ctx, coll, items)
	s.w.done("put_batch", err)
	return err
}

func (s *watchedStore) PutIfAbsent(ctx context.Context, coll, key string, value []byte) (bool, error) {
	ok, err := s.Store.PutIfAbsent(ctx, coll, key, value)
	s.w.done("put_if_absent", err)
	return ok, err
}

func (s *watchedStore) Delete(ctx context.Context, coll, key string) error {
	err := s.Store.Delete(ctx, coll, key)
	s.w.done("delete", err)
	return err
}

// Update is watched like a write; an error of fn itself (the caller's
// refusal) is not the store failing.
func (s *watchedStore) Update(ctx context.Context, coll, key string, fn func(old []byte) ([]byte, error)) error {
	var fnErr error
	err := s.Store.Update(ctx, coll, key, func(old []byte) ([]byte, error) {
		v, err := fn(old)
		fnErr = err
		return v, err
	})
	if err != nil && err == fnErr {
		return err
	}
	s.w.done("update", err)
	return err
}

func (s *watchedStore) Write(ctx context.Context, ops []store.Op) error {
	err := s.Store.Write(ctx, ops)
	s.w.done("write", err)
	return err
}

func (s *watchedStore) NextID(ctx context.Context, seq string) (int64, error) {
	id, err := s.Store.NextID(ctx, seq)
	s.w.done("next_id", err)
	return id, err
}

func (s *watchedStore) Incr(ctx context.Context, coll, key string, delta int64) (int64, error) {
	n, err := s.Store.Incr(ctx, coll, key, delta)
	s.w.done("incr", err)
	return n, err
}

func (s *watchedStore) Append(ctx context.Context, ledger, idemKey string, entry []byte) (int64, bool, error) {
	seq, created, err := s.Store.Append(ctx, ledger, idemKey, entry)
	s.w.done("append", err)
	return seq, created, err
}

func (s *watchedStore) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	first, err := s.Store.FirstSeen(ctx, key, ttl)
	s.w.done("first_seen", err)
	return first, err
}

func (s *watchedStore) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	ok, err := s.Store.Acquire(ctx, name, owner, ttl)
	s.w.done("acquire", err)
	return ok, err
}

func (s *watchedStore) Release(ctx context.Context, name, owner string) error {
	err := s.Store.Release(ctx, name, owner)
	s.w.done("release", err)
	return err
}

func (s *watchedStore) Outbox() store.Outbox {
	return &watchedOutbox{Outbox: s.Store.Outbox(), w: s.w}
}

type watchedOutbox struct {
	store.Outbox
	w *storeWatch
}

func (o *watchedOutbox) Enqueue(ctx context.Context, item store.OutboxItem) (int64, error) {
	id, err := o.Outbox.Enqueue(ctx, item)
	o.w.done("outbox_enqueue", err)
	return id, err
}

func (o *watchedOutbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxItem, error) {
	items, err := o.Outbox.Claim(ctx, now, limit, lease)
	o.w.done("outbox_claim", err)
	return items, err
}

func (o *watchedOutbox) Ack(ctx context.Context, id int64) error {
	err := o.Outbox.Ack(ctx, id)
	o.w.done("outbox_ack", err)
	return err
}

func (o *watchedOutbox) Retry(ctx context.Context, id int64, dueAt time.Time, lastErr string) error {
	err := o.Outbox.Retry(ctx, id, dueAt, lastErr)
	o.w.done("outbox_retry", err)
	return err
}

func (o *watchedOutbox) Postpone(ctx context.Context, id int64, dueAt time.Time) error {
	err := o.Outbox.Postpone(ctx, id, dueAt)
	o.w.done("outbox_postpone", err)
	return err
}

// probeColl holds the document /readyz rewrites while writes are failing.
const probeColl = "banzu.health"

// ready reports whether store writes work. While they are failing it tries
// one small write, so that /readyz recovers once the disk has room again
// even when nothing else writes.
func (w *storeWatch) ready(ctx context.Context, st store.Store) bool {
	if !w.failing.Load() {
		return true
	}
	_ = st.Put(ctx, probeColl, "write-probe", []byte(w.now().UTC().Format(time.RFC3339Nano)))
	return !w.failing.Load()
}
