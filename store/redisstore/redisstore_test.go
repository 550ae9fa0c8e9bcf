package redisstore_test

import (
	"sync"
	"testing"

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
