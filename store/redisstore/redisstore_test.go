package redisstore_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
	"github.com/banzu-bot/banzu/store/storetest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func open(t testing.TB, url, prefix string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.Open(redisstore.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	url := redistest.URL(t)
	// A dir stands for one store: the same dir reopens the same prefix.
	var (
		mu       sync.Mutex
		prefixes = map[string]string{}
	)
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		mu.Lock()
		p, ok := prefixes[dir]
		if !ok {
			p = redistest.Prefix(t)
			prefixes[dir] = p
		}
		mu.Unlock()
		return open(t, url, p)
	})
}

func TestNewDoesNotOwnClient(t *testing.T) {
	owner := open(t, redistest.URL(t), redistest.Prefix(t))
	defer owner.Close()
	s := redisstore.New(owner.Client(), "")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := owner.Client().Ping(t.Context()).Err(); err != nil {
		t.Fatalf("client closed by a Store made with New: %v", err)
	}
	if err := owner.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := owner.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := owner.Ping(t.Context()); err == nil {
		t.Fatal("Ping after Close did not fail")
	}
}

func TestOpenErrors(t *testing.T) {
	cases := []redisstore.Options{
		{},
		{URL: "redis://127.0.0.1:6379", Addrs: []string{"127.0.0.1:6379"}},
		{URL: "http://not-redis"},
		{URL: "redis://127.0.0.1:1"}, // nothing listens on port 1
	}
	for _, opts := range cases {
		if s, err := redisstore.Open(opts); err == nil {
			s.Close()
			t.Errorf("Open(%+v) did not fail", opts)
		}
	}
}

// TestInboxSurvivesLostGroup: after Redis lost the stream and its consumer
// group (a restart without persistence, a flush), the inbox recreates them.
func TestInboxSurvivesLostGroup(t *testing.T) {
	prefix := redistest.Prefix(t)
	s := open(t, redistest.URL(t), prefix)
	defer s.Close()
	ctx, in := t.Context(), s.Inbox()
	if _, err := in.Add(ctx, "k1", []byte("before"), time.Hour); err != nil {
		t.Fatal(err)
	}
	items, err := in.Take(ctx, "A", 10, time.Minute, 0)
	if err != nil || len(items) != 1 {
		t.Fatalf("Take = %v, %v", items, err)
	}
	for _, lost := range []bool{false, true} {
		if err := s.Client().Del(ctx, prefix+"{inbox}:s").Err(); err != nil {
			t.Fatal(err)
		}
		if lost { // the stream comes back, without its group
			if ok, err := in.Add(ctx, "", []byte("after"), 0); err != nil || !ok {
				t.Fatalf("Add after the loss = %v, %v", ok, err)
			}
		}
		if st, err := in.Stats(ctx); err != nil || st.Taken != 0 {
			t.Fatalf("Stats after the loss = %+v, %v", st, err)
		}
		if err := in.Touch(ctx, "A", items[0].ID); err != nil {
			t.Fatalf("Touch after the loss: %v", err)
		}
		got, err := in.Take(ctx, "A", 10, time.Minute, 0)
		if err != nil {
			t.Fatalf("Take after the loss: %v", err)
		}
		if want := map[bool]int{false: 0, true: 1}[lost]; len(got) != want || (lost && string(got[0].Payload) != "after") {
			t.Fatalf("Take after the loss = %+v, want %d item(s)", got, want)
		}
		if lost {
			if err := in.Retry(ctx, got[0].ID, "again"); err != nil {
				t.Fatalf("Retry: %v", err)
			}
			got, err = in.Take(ctx, "B", 10, time.Minute, 0)
			if err != nil || len(got) != 1 || got[0].Attempts != 1 {
				t.Fatalf("Take after Retry = %+v, %v", got, err)
			}
			if err := in.Done(ctx, got[0].ID); err != nil {
				t.Fatalf("Done: %v", err)
			}
		}
	}
}

// TestInboxSurvivesRedisRestart: Redis killed and started again (AOF, as
// the README asks) keeps the inbox, its group and who holds what; an item
// taken before the restart is redelivered after it, once.
func TestInboxSurvivesRedisRestart(t *testing.T) {
	srv := redistest.StartServer(t)
	s := open(t, srv.URL, redistest.Prefix(t))
	defer s.Close()
	ctx, in := t.Context(), s.Inbox()
	for _, key := range []string{"k1", "k2"} {
		if ok, err := in.Add(ctx, key, []byte(key), time.Hour); err != nil || !ok {
			t.Fatalf("Add(%s) = %v, %v", key, ok, err)
		}
	}
	if got, err := in.Take(ctx, "A", 1, time.Minute, 0); err != nil || len(got) != 1 {
		t.Fatalf("Take = %v, %v", got, err)
	}
	srv.Stop()
	if _, err := in.Add(ctx, "k3", []byte("k3"), time.Hour); err == nil {
		t.Fatal("Add with Redis down did not fail: the platform would get a 2xx for a lost event")
	}
	srv.Start()
	var (
		got []string
		err error
	)
	for i := 0; i < 100 && (err != nil || len(got) < 2); i++ {
		var items []store.InboxItem
		items, err = in.Take(ctx, "B", 10, 200*time.Millisecond, 50*time.Millisecond)
		for _, it := range items {
			got = append(got, fmt.Sprintf("%s/%d", it.Payload, it.Attempts))
			if err := in.Done(ctx, it.ID); err != nil {
				t.Fatalf("Done: %v", err)
			}
		}
	}
	if err != nil {
		t.Fatalf("Take after the restart: %v", err)
	}
	if fmt.Sprint(got) != "[k2/0 k1/1]" && fmt.Sprint(got) != "[k1/1 k2/0]" {
		t.Fatalf("after the restart took %v, want k2/0 and k1/1", got)
	}
	if ok, err := in.Add(ctx, "k1", []byte("again"), time.Hour); err != nil || ok {
		t.Fatalf("Add of a key from before the restart = %v, %v; want a duplicate", ok, err)
	}
	if st, err := in.Stats(ctx); err != nil || st.Waiting+st.Taken != 0 {
		t.Fatalf("Stats = %+v, %v", st, err)
	}
}

// TestInboxSharedPipelines: many concurrent Adds and Dones share pipelines
// (and survive Redis forgetting its scripts) with every result right.
func TestInboxSharedPipelines(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	defer s.Close()
	ctx, in := t.Context(), s.Inbox()
	if err := s.Client().ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	const n = 400
	var (
		wg    sync.WaitGroup
		added atomic.Int64
	)
	for i := range n {
		wg.Go(func() {
			// Every key twice: exactly one of the two Adds stores it.
			ok, err := in.Add(ctx, fmt.Sprint("k", i%(n/2)), []byte(fmt.Sprint(i)), time.Hour)
			if err != nil {
				t.Errorf("Add: %v", err)
			}
			if ok {
				added.Add(1)
			}
		})
	}
	wg.Wait()
	if added.Load() != n/2 {
		t.Fatalf("%d of %d Adds of %d keys stored an item", added.Load(), n, n/2)
	}
	items, err := in.Take(ctx, "A", n, time.Minute, 0)
	if err != nil || len(items) != n/2 {
		t.Fatalf("Take = %d items, %v", len(items), err)
	}
	if err := s.Client().ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		wg.Go(func() {
			if err := in.Done(ctx, it.ID); err != nil {
				t.Errorf("Done: %v", err)
			}
		})
	}
	wg.Wait()
	if st, err := in.Stats(ctx); err != nil || st.Waiting+st.Taken != 0 {
		t.Fatalf("Stats after Done = %+v, %v", st, err)
	}
}
