package store_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

func TestCopyEmbeddedToRedis(t *testing.T) {
	ctx := context.Background()
	src, err := embedded.Open(filepath.Join(t.TempDir(), "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := range 1200 { // more than one write batch
		if err := src.Put(ctx, "kpi_days", "k"+strconv.Itoa(i), []byte("v"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	src.Put(ctx, "roles", "xiaowang", []byte("supervisor"))
	for range 7 {
		src.NextID(ctx, "knowledge")
	}
	src.Append(ctx, "points", "quiz:1:xiaowang", []byte(`{"points":10}`))
	src.Append(ctx, "points", "", []byte(`{"points":5}`))
	src.Outbox().Enqueue(ctx, store.OutboxItem{Dest: "console:presale", Payload: []byte(`{"m":1}`), Created: time.Now()})

	dst, err := redisstore.Open(redisstore.Options{URL: redistest.URL(t), Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for run := 1; run <= 2; run++ { // a second run changes nothing
		stats, err := store.Copy(ctx, src, dst)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if stats.Docs < 1201 || stats.Sequences != 1 || stats.LedgerEntries != 2 {
			t.Fatalf("run %d: stats %+v", run, stats)
		}
	}
	if v, err := dst.Get(ctx, "kpi_days", "k1199"); err != nil || string(v) != "v1199" {
		t.Fatalf("doc after copy: %q %v", v, err)
	}
	if id, _ := dst.NextID(ctx, "knowledge"); id != 8 {
		t.Fatalf("sequence continues at %d, want 8", id)
	}
	var entries []string
	dst.Ledger(ctx, "points", 0, func(_ int64, e []byte) error { entries = append(entries, string(e)); return nil })
	if len(entries) != 2 || entries[0] != `{"points":10}` {
		t.Fatalf("ledger after two copies: %v", entries)
	}
	if _, created, _ := dst.Append(ctx, "points", "quiz:1:xiaowang", []byte(`{"points":10}`)); created {
		t.Fatal("idempotency key lost in the copy")
	}
	if depth, _, _ := dst.Outbox().Stats(ctx); depth != 1 {
		t.Fatalf("outbox depth %d after two copies, want 1", depth)
	}
}
