package dingtalk

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

func TestTokenFetchedOnceRefreshedAfterExpiry(t *testing.T) {
	f := newFakeAPI(t)
	p, clock := newSendPlatform(t, f, nil)
	dest := bot.Destination{ChatID: "cidGroupA=="}
	ctx := context.Background()

	for i := 0; i < 3; i++ {
		if err := p.Send(ctx, dest, bot.Message{Text: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenRequests(); n != 1 {
		t.Fatalf("token requests after 3 sends = %d, want 1", n)
	}
	// 1 h 54 min later the token (7200 s) is 6 min from expiry: still used.
	clock.Add(114 * time.Minute)
	if err := p.Send(ctx, dest, bot.Message{Text: "b"}); err != nil {
		t.Fatal(err)
	}
	if n := f.tokenRequests(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
	// 2 min more: inside the 5-minute margin, refreshed.
	clock.Add(2 * time.Minute)
	if err := p.Send(ctx, dest, bot.Message{Text: "c"}); err != nil {
		t.Fatal(err)
	}
	if n := f.tokenRequests(); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
	calls := f.callsTo(pathGroupSend)
	if calls[0].Token != "tok-1" || calls[3].Token != "tok-1" || calls[4].Token != "tok-2" {
		t.Fatalf("tokens used: %q %q %q", calls[0].Token, calls[3].Token, calls[4].Token)
	}
}

func TestTokenRefusedIsDroppedAndRetriedOnce(t *testing.T) {
	f := newFakeAPI(t)
	f.on(pathGroupSend, func(w http.ResponseWriter, c call) bool {
		if c.Token == "tok-1" {
			return respond(w, http.StatusUnauthorized, `{"code":"InvalidAuthentication","message":"不合法的access_token"}`)
		}
		return false
	})
	p, _ := newSendPlatform(t, f, nil)
	if err := p.Send(context.Background(), bot.Destination{ChatID: "cidGroupA=="}, bot.Message{Text: "a"}); err != nil {
		t.Fatal(err)
	}
	calls := f.callsTo(pathGroupSend)
	if len(calls) != 2 || calls[1].Token != "tok-2" || f.tokenRequests() != 2 {
		t.Fatalf("calls %d, second token %q, token requests %d", len(calls), calls[len(calls)-1].Token, f.tokenRequests())
	}

	// Refused every time: one retry only, then permanent.
	f.on(pathGroupSend, func(w http.ResponseWriter, c call) bool {
		return respond(w, http.StatusUnauthorized, `{"code":"InvalidAuthentication","message":"no"}`)
	})
	err := p.Send(context.Background(), bot.Destination{ChatID: "cidGroupA=="}, bot.Message{Text: "a"})
	if !bot.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent", err)
	}
	if n := len(f.callsTo(pathGroupSend)); n != 4 {
		t.Fatalf("group sends = %d, want 4", n)
	}
}
