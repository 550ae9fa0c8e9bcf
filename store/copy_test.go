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
	src.Outbox().Enqueue(ctx, store.OutboxItem{Dest: "console:presale", Key: "reply:console:9", Payload: []byte(`{"m":2}`)})
	for _, key := range []string{"wecom:1", "", "wecom:2"} {
		if _, err := src.Inbox().Add(ctx, key, []byte("event "+key), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if taken, err := src.Inbox().Take(ctx, "crashed", 1, time.Minute, 0); err != nil || len(taken) != 1 {
		t.Fatalf("Take = %v, %v", taken, err)
	}

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
		inbox, outbox := 3, 2
		if run == 2 {
			inbox, outbox = 0, 0
		}
		if stats.Docs < 1201 || stats.Sequences != 1 || stats.LedgerEntries != 2 || stats.Inbox != inbox || stats.Outbox != outbox {
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
	if depth, _, _ := dst.Outbox().Stats(ctx); depth != 2 {
		t.Fatalf("outbox depth %d after two copies, want 2", depth)
	}
	if _, err := dst.Outbox().Enqueue(ctx, store.OutboxItem{Key: "reply:console:9"}); err != nil {
		t.Fatalf("Enqueue of a copied key: %v", err)
	} else if depth, _, _ := dst.Outbox().Stats(ctx); depth != 2 {
		t.Fatalf("the copied outbox key was lost: depth %d", depth)
	}
	// Every inbox item not handled yet waits in the copy, the one taken
	// before the crash too, and its dedup keys hold.
	if st, err := dst.Inbox().Stats(ctx); err != nil || st.Waiting != 3 {
		t.Fatalf("inbox after two copies: %+v, %v", st, err)
	}
	if ok, err := dst.Inbox().Add(ctx, "wecom:1", []byte("redelivered"), time.Hour); err != nil || ok {
		t.Fatalf("Add of a copied key = %v, %v; want a duplicate", ok, err)
	}
	items, err := dst.Inbox().Take(ctx, "w", 10, time.Minute, 0)
	if err != nil || len(items) != 3 || string(items[0].Payload) != "event wecom:1" || items[1].Key != "" || items[2].Key != "wecom:2" {
		t.Fatalf("inbox items after the copy: %+v, %v", items, err)
	}
}
