package dingtalk

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/platform/dingtalk/dingtalktest"
)

// With dingtalk.card_template_id, a quiz card is an interactive card whose
// tap comes back over the stream as a click (one-tap answers).
func TestInteractiveCardOneTap(t *testing.T) {
	fake := dingtalktest.New(t, "ding-client", "client-secret-for-test", "ding-client")
	cfg := config.DingTalk{ClientID: "ding-client", ClientSecret: "client-secret-for-test", Mode: ModeStream,
		APIBase: fake.URL, OAPIBase: fake.URL, CardTemplateID: "tpl-quiz.schema"}
	var mu sync.Mutex
	var events []bot.Event
	got := make(chan struct{}, 8)
	p, err := New(cfg, []config.Team{{ID: "t1", DingTalk: config.TeamDingTalk{OpenConversationID: "cidTeam=="}}}, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = p.Listen(ctx, func(_ context.Context, ev bot.Event) error {
			mu.Lock()
			events = append(events, ev)
			mu.Unlock()
			got <- struct{}{}
			return nil
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	conn := fake.NextConn(t)
	if topics := fake.Topics(); !slices.Contains(topics, dingtalktest.TopicCard) {
		t.Fatalf("subscribed topics %v lack the card callback", topics)
	}

	card := &bot.Card{ID: "lesson:t1:0", Title: "第 1 题", Text: "退货运费谁出？",
		Options: []bot.CardOption{{ID: "A", Label: "买家"}, {ID: "B", Label: "卖家"}}}
	if err := p.Send(ctx, bot.Destination{Platform: "dingtalk", TeamID: "t1"}, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls(dingtalktest.PathCardDeliver)
	if len(calls) != 1 || len(fake.Calls(dingtalktest.PathGroupSend)) != 0 {
		t.Fatalf("deliveries %d, group posts %d", len(calls), len(fake.Calls(dingtalktest.PathGroupSend)))
	}
	body := calls[0].Body
	params := body["cardData"].(map[string]any)["cardParamMap"].(map[string]any)
	if body["cardTemplateId"] != "tpl-quiz.schema" || body["openSpaceId"] != "dtv1.card//IM_GROUP.cidTeam==" ||
		params["option_2_id"] != "B" || params["option_2_text"] != "卖家" || params["option_count"] != "2" ||
		!strings.Contains(params["markdown"].(string), "B. 卖家") {
		t.Fatalf("card delivery: %v", body)
	}
	track := body["outTrackId"].(string)
	conn.SendCardClick(t, "frame-click-1", dingtalktest.CardClick{OutTrackID: track, UserID: "staff-7", Option: "B"})
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no click event")
	}
	mu.Lock()
	ev := events[0]
	mu.Unlock()
	if ev.Action == nil || ev.Action.CardID != "lesson:t1:0" || strings.Join(ev.Action.OptionID, ",") != "B" ||
		ev.ChatID != "cidTeam==" || ev.ChatType != bot.ChatGroup || ev.SenderID != "staff-7" || ev.MessageID != "card:frame-click-1" {
		t.Fatalf("click event: %+v %+v", ev, ev.Action)
	}

	// Only for the clicker: an interactive card in the robot's single chat.
	if err := p.Send(ctx, bot.Destination{Platform: "dingtalk", ChatID: "cidTeam=="}, bot.Message{Card: card, Update: true, OnlyFor: []string{"staff-7"}}); err != nil {
		t.Fatal(err)
	}
	if calls := fake.Calls(dingtalktest.PathCardDeliver); len(calls) != 2 || calls[1].Body["openSpaceId"] != "dtv1.card//IM_ROBOT.staff-7" {
		t.Fatalf("private card: %+v", calls)
	}
	// Multiple choice stays markdown (answered by letters).
	multi := *card
	multi.Multiple = true
	if err := p.Send(ctx, bot.Destination{Platform: "dingtalk", TeamID: "t1"}, bot.Message{Card: &multi}); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Calls(dingtalktest.PathGroupSend)); n != 1 {
		t.Fatalf("multiple choice: %d group posts", n)
	}
	// A callback banzu did not make is ignored.
	conn.SendCardClick(t, "frame-click-2", dingtalktest.CardClick{OutTrackID: "foreign", UserID: "staff-7", Option: "A"})
	select {
	case <-got:
		t.Fatal("a foreign card callback became an event")
	case <-time.After(50 * time.Millisecond):
	}
}
