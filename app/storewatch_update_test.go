package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

// failingWrites fails Update and Write with a full disk.
type failingWrites struct{ store.Store }

func (f failingWrites) Update(context.Context, string, string, func([]byte) ([]byte, error)) error {
	return syscall.ENOSPC
}

func (f failingWrites) Write(context.Context, []store.Op) error { return syscall.ENOSPC }

// TestStoreWatchUpdateAndWrite: a failed Update or Write makes the store
// not writable; an Update its fn refuses (the caller's own error) does not.
func TestStoreWatchUpdateAndWrite(t *testing.T) {
	st, err := embedded.Open(filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := newStoreWatch(slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	ctx := context.Background()
	ok := w.wrap(st)
	refused := errors.New("not yours")
	if err := ok.Update(ctx, "c", "k", func([]byte) ([]byte, error) { return nil, refused }); err != refused {
		t.Fatalf("Update = %v, want the fn's error", err)
	}
	if w.failing.Load() {
		t.Fatal("an Update refused by its fn marked the store failing")
	}
	if err := ok.Write(ctx, []store.Op{store.PutOp("c", "k", []byte("v"))}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	bad := w.wrap(failingWrites{st})
	if err := bad.Update(ctx, "c", "k", func(old []byte) ([]byte, error) { return old, nil }); err == nil {
		t.Fatal("Update on a full disk did not fail")
	}
	if !w.failing.Load() {
		t.Fatal("a failed Update did not mark the store failing")
	}
	if err := ok.Update(ctx, "c", "k", func(old []byte) ([]byte, error) { return old, nil }); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if w.failing.Load() {
		t.Fatal("a successful Update did not clear the failure")
	}
	if err := bad.Write(ctx, nil); err == nil || !w.failing.Load() {
		t.Fatalf("Write on a full disk = %v, failing %v", err, w.failing.Load())
	}
}
