package redisstore

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store/redistest"
)

// Consumers left by dead processes are dropped once idle and empty; one that
// still holds an entry, and the caller itself, stay.
func TestPruneDropsIdleEmptyConsumers(t *testing.T) {
	s, err := Open(Options{URL: redistest.URL(t), Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	in := s.inbox
	in.pruneAfter, in.pruneIdleFor = time.Millisecond, 50*time.Millisecond
	if _, err := in.Add(ctx, "m1", []byte(`{}`), time.Hour); err != nil {
		t.Fatal(err)
	}
	// "holder" takes the entry and dies; "gone" took nothing and died.
	if items, err := in.Take(ctx, "holder", 1, time.Hour, 0); err != nil || len(items) != 1 {
		t.Fatalf("take: %v %v", items, err)
	}
	stream, _ := s.inboxKeys()
	if err := s.client.XGroupCreateConsumer(ctx, stream, inboxGroup, "gone").Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	n, err := in.pruneConsumers(ctx, "me", time.Now())
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want 1", n, err)
	}
	cs, err := s.client.XInfoConsumers(ctx, stream, inboxGroup).Result()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	if !slices.Contains(names, "holder") || slices.Contains(names, "gone") {
		t.Errorf("consumers after the prune: %v, want holder kept and gone dropped", names)
	}
	// The entry is still there for a takeover.
	if items, err := in.Take(ctx, "me", 1, time.Millisecond, 0); err != nil || len(items) != 1 {
		t.Errorf("the held entry was lost: %v %v", items, err)
	}
}
