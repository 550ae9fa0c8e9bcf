package bot_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
)

// One person's messages in one chat are handled in the order sent, even when
// the first is slow; someone else's are not held up behind them.
func TestOnePersonsMessagesKeepTheirOrder(t *testing.T) {
	r := bottest.New(t)
	var mu sync.Mutex
	var order []string
	slowStarted := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // before the rig stops: a failing test must not hang on the slow step
	r.Add(&bot.Command{Name: "step", Usage: "/step N", MinArgs: 1, Handler: func(ctx context.Context, req *bot.Request) error {
		n, _ := strconv.Atoi(req.Args[0])
		if n == 0 {
			close(slowStarted)
			<-release // the first step is slow
		}
		mu.Lock()
		order = append(order, fmt.Sprintf("%s:%d", req.Event.SenderID, n))
		mu.Unlock()
		return nil
	}})
	r.Start()
	r.Say("presale", "chen", "/step 0")
	<-slowStarted
	for i := 1; i <= 20; i++ {
		r.Say("presale", "chen", fmt.Sprintf("/step %d", i))
	}
	r.Say("presale", "xiaowang", "/step 100")
	// 小王 is answered while 陈主管's first step still runs.
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		done := len(order) == 1 && order[0] == "xiaowang:100"
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("小王 waited behind 陈主管: handled %v", order)
		}
		time.Sleep(5 * time.Millisecond)
	}
	free()
	r.Drain()
	mu.Lock()
	defer mu.Unlock()
	if len(order) != 22 {
		t.Fatalf("handled %d, want 22: %v", len(order), order)
	}
	for i, got := range order[1:] {
		if want := fmt.Sprintf("chen:%d", i); got != want {
			t.Fatalf("陈主管's steps out of order at %d: %v", i, order)
		}
	}
}

// A flood from one sender is not handled one message at a time: beyond the
// lane's depth its messages run side by side, and every one is handled once.
func TestOneSendersFloodIsHandledSideBySide(t *testing.T) {
	r := bottest.New(t)
	var mu sync.Mutex
	seen := map[string]int{}
	var running, most int
	r.Add(&bot.Command{Name: "f", Usage: "/f N", MinArgs: 1, Handler: func(ctx context.Context, req *bot.Request) error {
		mu.Lock()
		seen[req.Args[0]]++
		running++
		most = max(most, running)
		mu.Unlock()
		time.Sleep(30 * time.Millisecond) // slower than messages arrive: the lane backs up
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	}})
	r.Start()
	for i := range 200 {
		r.Say("presale", "xiaowang", fmt.Sprintf("/f %d", i))
	}
	r.Drain()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 200 {
		t.Fatalf("handled %d distinct messages, want 200", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("message %s handled %d times", k, n)
		}
	}
	if most < 2 {
		t.Errorf("a 200-message flood from one sender ran one at a time (at most %d at once)", most)
	}
}
