package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

// eachStore runs f on the embedded store and on Redis.
func eachStore(t *testing.T, f func(t *testing.T, st store.Store)) {
	t.Run("embedded", func(t *testing.T) {
		st, err := embedded.Open(filepath.Join(t.TempDir(), "banzu.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		f(t, st)
	})
	t.Run("redis", func(t *testing.T) {
		url := redistest.URL(t)
		st, err := redisstore.Open(redisstore.Options{URL: url, Prefix: redistest.Prefix(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		f(t, st)
	})
}

// flakyInbox refuses every n-th Add, as a store that is briefly away does.
type flakyInbox struct {
	store.Inbox
	n     int64
	calls atomic.Int64
}

func (f *flakyInbox) Add(ctx context.Context, key string, payload []byte, ttl time.Duration) (bool, error) {
	if f.calls.Add(1)%f.n == 0 {
		return false, errors.New("store unavailable")
	}
	return f.Inbox.Add(ctx, key, payload, ttl)
}

type flakyStore struct {
	store.Store
	in *flakyInbox
}

func (f flakyStore) Inbox() store.Inbox { return f.in }

// countingPlatform counts the replies per event text.
type countingPlatform struct {
	mu  sync.Mutex
	got map[string]int
	n   atomic.Int64
}

func (c *countingPlatform) Name() string { return "console" }

func (c *countingPlatform) Send(_ context.Context, _ bot.Destination, m bot.Message) error {
	c.mu.Lock()
	c.got[m.Markdown]++
	c.mu.Unlock()
	c.n.Add(1)
	return nil
}

// TestIntakeBurstAnsweredOnce sends 5,000 messages much faster than the
// handlers run, with a store that refuses one Add in seven. Every message
// Dispatch accepted is answered exactly once; a refused one is not answered
// until the platform sends it again (as WeCom does after a 503), and a
// message sent again after it was accepted is not answered twice.
func TestIntakeBurstAnsweredOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		const total = 5000
		fs := flakyStore{Store: st, in: &flakyInbox{Inbox: st.Inbox(), n: 7}}
		dir, err := bot.NewDirectory(context.Background(), fs, teams)
		if err != nil {
			t.Fatal(err)
		}
		plat := &countingPlatform{got: map[string]int{}}
		out := bot.NewOutbox(fs, []bot.Platform{plat}, bot.OutboxOptions{Poll: 5 * time.Millisecond})
		cmds := bot.NewCommands()
		var handled atomic.Int64
		cmds.Add(&bot.Command{Name: "slow", Usage: "/slow N", Role: bot.RoleGuest, Handler: func(ctx context.Context, req *bot.Request) error {
			time.Sleep(time.Millisecond) // slower than the intake
			handled.Add(1)
			return req.ReplyText(ctx, "ok "+req.Rest)
		}})
		b := bot.New(fs, dir, cmds, out, bot.Options{Workers: 4})
		b.Start()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); out.Run(ctx) }()
		defer func() { b.Stop(); cancel(); <-done }()

		// 50 senders; each message is sent until accepted, then once more
		// (a platform redelivering what it already had a 200 for).
		var refused, accepted atomic.Int64
		var wg sync.WaitGroup
		for w := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < total; i += 50 {
					// 50 group chats, as a company has: each chat's replies
					// go out in order, the chats in parallel.
					ev := bot.Event{Platform: "console", ChatID: fmt.Sprintf("chat-%d", i%50), ChatType: bot.ChatGroup, SenderID: "a1",
						Text: fmt.Sprintf("/slow %d", i), MessageID: fmt.Sprintf("burst-%d", i)}
					for {
						if err := b.Dispatch(context.Background(), ev); err != nil {
							refused.Add(1)
							continue
						}
						accepted.Add(1)
						break
					}
					if err := b.Dispatch(context.Background(), ev); err == nil {
						accepted.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if refused.Load() == 0 {
			t.Fatal("the flaky store refused nothing: the test does not test refusals")
		}
		deadline := time.Now().Add(3 * time.Minute)
		for plat.n.Load() < total && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // a duplicate would show up now
		plat.mu.Lock()
		defer plat.mu.Unlock()
		for i := range total {
			if n := plat.got[fmt.Sprintf("ok %d", i)]; n != 1 {
				t.Fatalf("message %d answered %d times, want 1 (%d answers in all, %d handled)", i, n, plat.n.Load(), handled.Load())
			}
		}
		if n := plat.n.Load(); n != total {
			t.Fatalf("%d answers, want %d", n, total)
		}
		if n := handled.Load(); n != total {
			t.Fatalf("%d handler runs, want %d", n, total)
		}
		t.Logf("%d sends accepted (redeliveries included), %d refused", accepted.Load(), refused.Load())
	})
}

// TestIntakePanicsAreRetriedThenBuried: a handler that panics is tried
// again; one that always panics ends in the dead-letter ledger after three
// attempts, with one apology to the sender.
func TestIntakePanicsAreRetriedThenBuried(t *testing.T) {
	var tries atomic.Int64
	var dead atomic.Int64
	h := newHarnessOpts(t, bot.Options{Workers: 2, Hooks: bot.Hooks{Dead: func(string) { dead.Add(1) }}},
		&bot.Command{Name: "flaky", Usage: "/flaky", Role: bot.RoleGuest, Handler: func(ctx context.Context, req *bot.Request) error {
			if tries.Add(1) < 3 {
				panic("not yet")
			}
			return req.ReplyText(ctx, "third time lucky")
		}},
		&bot.Command{Name: "boom", Usage: "/boom", Role: bot.RoleGuest, Handler: func(ctx context.Context, req *bot.Request) error {
			panic("always")
		}})
	h.say(t, "a1", "/flaky")
	if got := h.waitFor(t, 1); got[0] != "third time lucky" {
		t.Fatalf("got %q", got)
	}
	h.say(t, "a1", "/boom")
	got := h.waitFor(t, 2)
	if !strings.Contains(got[1], "出错了（试了 3 次）") {
		t.Fatalf("apology: %q", got[1])
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(h.rec.texts()); n != 2 {
		t.Fatalf("%d messages, want 2: %q", n, h.rec.texts())
	}
	if dead.Load() != 1 {
		t.Fatalf("dead hook called %d times", dead.Load())
	}
	var letters []store.DeadLetter
	if err := h.st.Inbox().DeadLetters(context.Background(), func(d store.DeadLetter) error { letters = append(letters, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(letters) != 1 || !strings.Contains(letters[0].Reason, "always") || !strings.Contains(string(letters[0].Item.Payload), "/boom") {
		t.Fatalf("dead letters: %+v", letters)
	}
}

// TestHeavyCommandsAreBounded: however many workers there are, at most
// HeavyWorkers heavy commands (workbooks) run at once.
func TestHeavyCommandsAreBounded(t *testing.T) {
	var running, most atomic.Int64
	release := make(chan struct{})
	h := newHarnessOpts(t, bot.Options{Workers: 16, HeavyWorkers: 2},
		&bot.Command{Name: "big", Usage: "/big", Role: bot.RoleGuest, Heavy: true, Handler: func(ctx context.Context, req *bot.Request) error {
			n := running.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			<-release
			running.Add(-1)
			return req.ReplyText(ctx, "done")
		}})
	for i := range 10 {
		if err := h.bot.Dispatch(context.Background(), bot.Event{Platform: "console", ChatID: "t1", ChatType: bot.ChatGroup,
			SenderID: fmt.Sprintf("sup%d", i), Text: "/big", MessageID: fmt.Sprintf("big-%d", i)}); err != nil { // one person's would run one by one
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); running.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // a third would have started by now
	close(release)
	h.waitFor(t, 10)
	if m := most.Load(); m != 2 {
		t.Fatalf("%d heavy commands ran at once, want 2", m)
	}
}
