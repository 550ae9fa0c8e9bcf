package wecom

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

func TestLongConnDisconnectedEventNoWar(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	tune := fastTuning()
	tune.Takeover = 0 // the default: stay down until asked
	a := startLongConn(t, srv, lcSecret, nil, tune)
	srv.Wait(lcWait, "first client", func(s wecomtest.Snapshot) bool { return s.Online })
	waitTrue(t, "a connected", a.p.Connected)
	// Another deployment of the same robot subscribes: WeCom kicks a.
	b := startLongConn(t, srv, lcSecret, nil, tune)
	srv.Wait(lcWait, "the kick", func(s wecomtest.Snapshot) bool { return s.Kicks == 1 })
	waitTrue(t, "a reports the kick", a.p.Kicked)
	waitTrue(t, "b connected", b.p.Connected)
	if a.p.Connected() || a.p.Kicks() != 1 || b.p.Kicked() {
		t.Fatalf("a connected %v, a kicks %d, b kicked %v", a.p.Connected(), a.p.Kicks(), b.p.Kicked())
	}
	// a stays down instead of kicking b back.
	time.Sleep(100 * time.Millisecond)
	if st := srv.State(); st.Kicks != 1 || st.Subscribed != 2 || a.p.Connected() || !a.p.Kicked() {
		t.Fatalf("reconnect war: kicks %d, subscriptions %d, a connected %v", st.Kicks, st.Subscribed, a.p.Connected())
	}
	// The operator moves the robot back to a: b is kicked in turn.
	was, err := a.p.Reconnect(context.Background())
	if err != nil || !was {
		t.Fatalf("Reconnect: %v %v", was, err)
	}
	srv.Wait(lcWait, "a subscribed again", func(s wecomtest.Snapshot) bool { return s.Subscribed == 3 && s.Kicks == 2 })
	waitTrue(t, "b reports the kick", b.p.Kicked)
	waitTrue(t, "a connected again", a.p.Connected)
	if a.p.Kicked() {
		t.Error("a still reports the kick")
	}
}

func TestLongConnKickDelayAndReplicas(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	// With a configured delay the kicked side subscribes again on its own.
	tune := fastTuning()
	tune.Takeover = 30 * time.Millisecond
	a := startLongConn(t, srv, lcSecret, nil, tune)
	waitTrue(t, "a connected", a.p.Connected)
	b := startLongConn(t, srv, lcSecret, nil, fastTuning()) // b: an hour
	srv.Wait(lcWait, "the kick", func(s wecomtest.Snapshot) bool { return s.Kicks >= 1 })
	srv.Wait(lcWait, "a back after the delay, b kicked", func(s wecomtest.Snapshot) bool { return s.Kicks >= 2 })
	waitTrue(t, "b reports the kick", b.p.Kicked)
	waitTrue(t, "a connected", a.p.Connected)
	b.stop()
	a.stop()

	// Replicas sharing a store: the kick is recorded there, a replica
	// (started before it) that takes the lease stays down too, and
	// Reconnect on any replica brings the holder back. A replica started
	// after the kick connects: a restart is an operator's decision.
	srv2 := wecomtest.New(t, lcBot, lcSecret)
	st := openStore(t)
	r1 := startLongConn(t, srv2, lcSecret, st, fastTuning())
	waitTrue(t, "r1 connected", r1.p.Connected)
	r2 := startLongConn(t, srv2, lcSecret, st, fastTuning())
	intruder := startLongConn(t, srv2, lcSecret, nil, fastTuning())
	waitTrue(t, "r1 kicked", r1.p.Kicked)
	waitTrue(t, "intruder connected", intruder.p.Connected)
	intruder.stop()
	r1.stop() // r2 takes the lease and sees the kick in the store
	waitTrue(t, "r2 stays down", r2.p.Kicked)
	if r2.p.Connected() {
		t.Fatal("r2 connected although the robot was taken")
	}
	if _, err := r1.p.Reconnect(context.Background()); err != nil { // the CLI reached another replica
		t.Fatal(err)
	}
	waitTrue(t, "r2 connected after the reconnect", r2.p.Connected)
	if r2.p.Kicked() {
		t.Error("r2 still reports the kick")
	}
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestLongConnLeaseHandover: two replicas on one store hold one connection
// between them; the connection moves to the replica that sends, and to the
// survivor when its holder stops.
func TestLongConnLeaseHandover(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	st := openStore(t)
	a := startLongConn(t, srv, lcSecret, st, fastTuning())
	waitTrue(t, "a connected", a.p.Connected)
	b := startLongConn(t, srv, lcSecret, st, fastTuning())
	time.Sleep(50 * time.Millisecond)
	if b.p.Connected() || srv.State().Subscribed != 1 {
		t.Fatal("the second replica connected while the first holds the lease")
	}

	// b is the outbox sender: its Send is deferred and the connection comes
	// over to it.
	dest := bot.Destination{Platform: "wecom", ChatID: "wrkA"}
	err := b.p.Send(context.Background(), dest, bot.Message{Text: "早会提醒"})
	var re *bot.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("Send on the replica without the connection: %v", err)
	}
	waitTrue(t, "handover to b", func() bool { return b.p.Connected() && !a.p.Connected() })
	if err := b.p.Send(context.Background(), dest, bot.Message{Text: "早会提醒"}); err != nil {
		t.Fatal(err)
	}
	s := srv.State()
	if push := s.Of("aibot_send_msg"); len(push) != 1 || push[0].Conn != 2 {
		t.Fatalf("pushes: %+v", push)
	}
	// a does not grab it back.
	time.Sleep(100 * time.Millisecond)
	if a.p.Connected() || srv.State().Subscribed != 2 {
		t.Fatal("a took the connection back")
	}

	// b stops: a takes over.
	b.stop()
	waitTrue(t, "a took over", a.p.Connected)
	s = srv.State()
	if s.MaxConcurrent != 1 || s.Kicks != 0 || s.Subscribed != 3 {
		t.Errorf("max concurrent %d, kicks %d, subscriptions %d", s.MaxConcurrent, s.Kicks, s.Subscribed)
	}
}
