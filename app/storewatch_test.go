package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

// fullDisk is an embedded store whose writes fail with ENOSPC, like a full
// disk, while full is set; reads keep working.
type fullDisk struct {
	store.Store
	full atomic.Bool
}

func (f *fullDisk) err(op string) error {
	if f.full.Load() {
		return &os.PathError{Op: "write", Path: "banzu.db", Err: syscall.ENOSPC}
	}
	return nil
}

func (f *fullDisk) Put(ctx context.Context, coll, key string, v []byte) error {
	if err := f.err("put"); err != nil {
		return fmt.Errorf("embedded: put %s/%s: %w", coll, key, err)
	}
	return f.Store.Put(ctx, coll, key, v)
}

func (f *fullDisk) PutBatch(ctx context.Context, coll string, items []store.KV) error {
	if err := f.err("put"); err != nil {
		return err
	}
	return f.Store.PutBatch(ctx, coll, items)
}

func (f *fullDisk) PutIfAbsent(ctx context.Context, coll, key string, v []byte) (bool, error) {
	if err := f.err("put"); err != nil {
		return false, err
	}
	return f.Store.PutIfAbsent(ctx, coll, key, v)
}

func (f *fullDisk) Delete(ctx context.Context, coll, key string) error {
	if err := f.err("delete"); err != nil {
		return err
	}
	return f.Store.Delete(ctx, coll, key)
}

func (f *fullDisk) Update(ctx context.Context, coll, key string, fn func([]byte) ([]byte, error)) error {
	if err := f.err("update"); err != nil {
		return err
	}
	return f.Store.Update(ctx, coll, key, fn)
}

func (f *fullDisk) Write(ctx context.Context, ops []store.Op) error {
	if err := f.err("write"); err != nil {
		return err
	}
	return f.Store.Write(ctx, ops)
}

func (f *fullDisk) NextID(ctx context.Context, seq string) (int64, error) {
	if err := f.err("next_id"); err != nil {
		return 0, err
	}
	return f.Store.NextID(ctx, seq)
}

func (f *fullDisk) Incr(ctx context.Context, coll, key string, d int64) (int64, error) {
	if err := f.err("incr"); err != nil {
		return 0, err
	}
	return f.Store.Incr(ctx, coll, key, d)
}

func (f *fullDisk) Append(ctx context.Context, ledger, idem string, e []byte) (int64, bool, error) {
	if err := f.err("append"); err != nil {
		return 0, false, err
	}
	return f.Store.Append(ctx, ledger, idem, e)
}

func (f *fullDisk) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := f.err("first_seen"); err != nil {
		return false, err
	}
	return f.Store.FirstSeen(ctx, key, ttl)
}

func (f *fullDisk) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := f.err("acquire"); err != nil {
		return false, err
	}
	return f.Store.Acquire(ctx, name, owner, ttl)
}

func (f *fullDisk) Release(ctx context.Context, name, owner string) error {
	if err := f.err("release"); err != nil {
		return err
	}
	return f.Store.Release(ctx, name, owner)
}

func (f *fullDisk) Outbox() store.Outbox { return &fullOutbox{Outbox: f.Store.Outbox(), f: f} }

// fullOutbox fails the outbox's writes with its fullDisk.
type fullOutbox struct {
	store.Outbox
	f *fullDisk
}

func (o *fullOutbox) Enqueue(ctx context.Context, it store.OutboxItem) (int64, error) {
	if err := o.f.err("enqueue"); err != nil {
		return 0, err
	}
	return o.Outbox.Enqueue(ctx, it)
}

func (o *fullOutbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxItem, error) {
	if err := o.f.err("claim"); err != nil {
		return nil, err
	}
	return o.Outbox.Claim(ctx, now, limit, lease)
}

func (o *fullOutbox) Ack(ctx context.Context, id int64) error {
	if err := o.f.err("ack"); err != nil {
		return err
	}
	return o.Outbox.Ack(ctx, id)
}

func (o *fullOutbox) Retry(ctx context.Context, id int64, due time.Time, last string) error {
	if err := o.f.err("retry"); err != nil {
		return err
	}
	return o.Outbox.Retry(ctx, id, due, last)
}

func (o *fullOutbox) Postpone(ctx context.Context, id int64, due time.Time) error {
	if err := o.f.err("postpone"); err != nil {
		return err
	}
	return o.Outbox.Postpone(ctx, id, due)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestReadyzOnFailingStore: on a full disk the console answers 500, the
// failures are counted in /metrics and logged once (not once per request),
// /readyz turns 503, and everything recovers when writes succeed again.
func TestReadyzOnFailingStore(t *testing.T) {
	emb, err := embedded.Open(filepath.Join(t.TempDir(), "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	disk := &fullDisk{Store: emb}
	var logs syncBuffer
	cfg := demoConfig(t)
	r := startWith(t, cfg, app.Options{Store: disk, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if code, _ := r.text("/readyz", ""); code != http.StatusOK {
		t.Fatalf("readyz before = %d", code)
	}

	disk.full.Store(true)
	for i := range 30 {
		if code, body := r.post("presale", "xiaowang", fmt.Sprintf("第 %d 条", i)); code != http.StatusInternalServerError || !strings.Contains(body, "保存消息失败") {
			t.Fatalf("post on a full disk: %d %s", code, body)
		}
	}
	for range 3 {
		if code, body := r.text("/readyz", ""); code != http.StatusServiceUnavailable || !strings.Contains(body, "store writes are failing") {
			t.Errorf("readyz on a full disk = %d %q, want 503", code, body)
		}
	}
	if code, _ := r.text("/healthz", ""); code != http.StatusOK {
		t.Errorf("healthz (liveness) on a full disk = %d, want 200: restarting does not free the disk", code)
	}
	_, metrics := r.text("/metrics", "")
	for _, want := range []string{`banzu_store_write_failures_total{op="next_id",reason="disk_full"} 30`, `banzu_store_write_failures_total{op="put",reason="disk_full"}`, "banzu_store_writable 0"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(metrics, "banzu_store"))
		}
	}
	if n := strings.Count(logs.String(), "store write failed"); n != 1 {
		t.Errorf("%d log lines for the failures in a burst, want 1 (rate-limited):\n%s", n, grepLines(logs.String(), "store"))
	}
	if !strings.Contains(logs.String(), "reason=disk_full") || !strings.Contains(logs.String(), "no space left on device") {
		t.Errorf("the log line does not say why:\n%s", grepLines(logs.String(), "store"))
	}

	disk.full.Store(false)
	if code, _ := r.text("/readyz", ""); code != http.StatusOK {
		t.Errorf("readyz after the disk has room = %d, want 200", code)
	}
	if code, body := r.post("presale", "xiaowang", "又能发了"); code != http.StatusOK {
		t.Errorf("post after recovery: %d %s", code, body)
	}
	if _, metrics := r.text("/metrics", ""); !strings.Contains(metrics, "banzu_store_writable 1") {
		t.Errorf("metrics after recovery:\n%s", grepLines(metrics, "banzu_store"))
	}
	if !strings.Contains(logs.String(), "store writes succeed again") {
		t.Errorf("no recovery log line:\n%s", grepLines(logs.String(), "store"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
