package wecom

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
)

func TestLongConnFileAndCard(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	// Chunk acks are held long enough for a second chunk to arrive even under
	// -race on a busy machine (decoding a 700 KB frame takes up to ~300 ms).
	srv.ChunkAckDelay = 400 * time.Millisecond
	team := config.Team{ID: "presale", WeCom: config.TeamWeCom{ChatID: "wrkPre"}}
	c := startLongConn(t, srv, lcSecret, nil, fastTuning(), team)
	waitTrue(t, "connected", c.p.Connected)
	ctx := context.Background()

	// A 1.2 MB workbook to a team (chat id from config): three chunks, at
	// most two at a time, then a file message. (The app's end-to-end test
	// sends 3 MB.)
	data := bytes.Repeat([]byte("0123456789abcdef"), 1200<<10/16)
	dest := bot.Destination{Platform: "wecom", TeamID: "presale"}
	if key, limit, _ := c.p.PaceKey(dest); key != "wecom:aibot:wrkPre" || limit != chatPerMinute {
		t.Errorf("PaceKey = %q %d", key, limit)
	}
	if err := c.p.Send(ctx, dest, bot.Message{File: &bot.File{Name: "dir/周报.xlsx", Data: data}}); err != nil {
		t.Fatal(err)
	}
	st := srv.State()
	init := st.Of("aibot_upload_media_init")
	if len(init) != 1 || init[0].Str("filename") != "周报.xlsx" || init[0].Body["total_chunks"] != float64(3) || init[0].Body["total_size"] != float64(len(data)) {
		t.Fatalf("upload init: %+v", init)
	}
	if n := len(st.Of("aibot_upload_media_chunk")); n != 3 {
		t.Errorf("%d chunks, want 3", n)
	}
	if st.MaxChunksInFlight != uploadParallel {
		t.Errorf("chunks in flight at most %d, want %d", st.MaxChunksInFlight, uploadParallel)
	}
	if len(st.Uploads) != 1 || !bytes.Equal(st.Uploads[0].Data, data) {
		t.Fatalf("uploaded file differs")
	}
	push := st.Of("aibot_send_msg")
	if len(push) != 1 || push[0].Str("chatid") != "wrkPre" || push[0].Str("msgtype") != "file" || push[0].Str("file", "media_id") != st.Uploads[0].MediaID {
		t.Fatalf("file message: %+v", push)
	}

	// A quiz question: a button card whose click comes back as an Action.
	card := &bot.Card{ID: "lesson:s1:0", Title: "第 1/3 题", Text: "退货运费谁出？",
		Options: []bot.CardOption{{ID: "A", Label: "A. 买家"}, {ID: "B", Label: "B. 卖家承担全部运费"}}}
	if err := c.p.Send(ctx, dest, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	tc := srv.State().Of("aibot_send_msg")[1]
	tmpl, _ := tc.Body["template_card"].(map[string]any)
	buttons, _ := tmpl["button_list"].([]any)
	task, _ := tmpl["task_id"].(string)
	if tc.Str("msgtype") != "template_card" || tmpl["card_type"] != "button_interaction" || len(buttons) != 2 ||
		!strings.Contains(tc.Str("template_card", "sub_title_text"), "B. 卖家承担全部运费") {
		t.Fatalf("template card: %+v", tc.Body)
	}
	key, _ := ButtonKey("lesson:s1:0", "B")
	if b := buttons[1].(map[string]any); b["key"] != key || b["text"] != "B" {
		t.Errorf("button: %v", b)
	}
	srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u2", CardType: "button_interaction", TaskID: task, Key: key})
	ev := c.sink.wait(t, 1)[0]
	if ev.Action == nil || ev.Action.CardID != "lesson:s1:0" || len(ev.Action.OptionID) != 1 || ev.Action.OptionID[0] != "B" || ev.ChatID != "wrkPre" {
		t.Fatalf("click event: %+v %+v", ev, ev.Action)
	}
	// WeCom may leave task_id out of a button click (a field report), and
	// WeCom's SDK describes a flat event.event_key: both answer the quiz.
	srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u3", CardType: "button_interaction", Key: key, NoTaskID: true})
	srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u4", Key: key, Flat: true})
	for _, ev := range c.sink.wait(t, 2)[1:] {
		if ev.Action == nil || ev.Action.CardID != "lesson:s1:0" || strings.Join(ev.Action.OptionID, ",") != "B" {
			t.Fatalf("click without task_id (%s): %+v", ev.SenderID, ev.Action)
		}
	}
}

func TestCardRowsAndKeys(t *testing.T) {
	four := &bot.Card{ID: "lesson:s2:1", Title: "第 2 题", Options: []bot.CardOption{
		{ID: "A", Label: "A"}, {ID: "B", Label: "B"}, {ID: "C", Label: "C"}, {ID: "D", Label: "D"}}}
	card, ok := templateCard(four)
	if !ok || card["card_type"] != "vote_interaction" {
		t.Fatalf("four options: %v (want a list and a submit button: rows over 3 buttons are cut off)", card)
	}
	three := &bot.Card{ID: "c3", Title: "t", Options: four.Options[:3]}
	if card, _ := templateCard(three); card["card_type"] != "button_interaction" || len(card["button_list"].([]map[string]any)) != 3 {
		t.Fatalf("three options: %v", card)
	}
	for _, id := range []string{"lesson:s1:0", "卡片|一", "a@b"} {
		k, ok := ButtonKey(id, "选项@1")
		if !ok || strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@") != "" {
			t.Fatalf("key %q has characters outside task_id's alphabet", k)
		}
		body := `{"msgid":"e","chatid":"c","chattype":"group","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"template_card_event",` +
			`"template_card_event":{"card_type":"button_interaction","event_key":"` + k + `"}}}`
		ev, ok, err := DecodeEvent([]byte(body), testNow)
		if err != nil || !ok || ev.Action.CardID != id || strings.Join(ev.Action.OptionID, ",") != "选项@1" {
			t.Fatalf("%s: %+v %v %v", id, ev.Action, ok, err)
		}
	}
	if _, ok := ButtonKey(strings.Repeat("x", 100), "A"); ok {
		t.Error("a key over 128 bytes was accepted")
	}
	// A vote card's submit without task_id: the key names the card.
	body := `{"msgid":"e","chatid":"c","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"template_card_event",` +
		`"template_card_event":{"card_type":"vote_interaction","event_key":"` + submitKey("c4", false) +
		`","selected_items":{"selected_item":[{"question_key":"q","option_ids":{"option_id":["D"]}}]}}}}`
	ev, ok, err := DecodeEvent([]byte(body), testNow)
	if err != nil || !ok || ev.Action.CardID != "c4" || strings.Join(ev.Action.OptionID, ",") != "D" {
		t.Fatalf("vote without task_id: %+v %v %v", ev.Action, ok, err)
	}
}

func TestTemplateCardVoteAndTaskID(t *testing.T) {
	c := &bot.Card{ID: "lesson:s9:2", Title: "多选", Text: "选出正确的", Multiple: true, Options: []bot.CardOption{
		{ID: "A", Label: "A. 一"}, {ID: "B", Label: "B. 二"}, {ID: "C", Label: "C. 三"}, {ID: SubmitOptionID, Label: "提交"}}}
	card, ok := templateCard(c)
	if !ok || card["card_type"] != "vote_interaction" {
		t.Fatalf("card: %v", card)
	}
	cb := card["checkbox"].(map[string]any)
	if cb["mode"] != 1 || len(cb["option_list"].([]map[string]any)) != 3 {
		t.Errorf("checkbox: %v", cb)
	}
	if sb := card["submit_button"].(map[string]string); sb["key"] != submitKey(c.ID, true) || sb["text"] != "提交" {
		t.Errorf("submit: %v", sb)
	}
	task := card["task_id"].(string)
	if len(task) > maxTaskID || strings.Trim(task, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@") != "" {
		t.Errorf("task_id %q has characters WeCom refuses", task)
	}
	if t2, _ := TaskID(c.ID); t2 == task {
		t.Errorf("task_id not unique per post")
	}
	if got := CardIDFromTask(task); got != c.ID {
		t.Errorf("CardIDFromTask = %q", got)
	}
	if got := CardIDFromTask("plain-task"); got != "plain-task" {
		t.Errorf("foreign task id: %q", got)
	}
	body := `{"msgid":"e9","chatid":"c","chattype":"group","from":{"userid":"u"},"event":{"eventtype":"template_card_event",` +
		`"template_card_event":{"card_type":"vote_interaction","event_key":"` + submitKey(c.ID, true) + `","task_id":"` + task +
		`","selected_items":{"selected_item":[{"question_key":"q","option_ids":{"option_id":["A","C"]}}]}}}}`
	ev, ok, err := DecodeEvent([]byte(body), testNow)
	if err != nil || !ok || ev.Action.CardID != c.ID || strings.Join(ev.Action.OptionID, ",") != "A,C,submit" {
		t.Fatalf("vote click without msgtype: %+v %v %v", ev.Action, ok, err)
	}
	if _, ok := templateCard(&bot.Card{ID: strings.Repeat("x", 100), Options: c.Options[:1]}); ok {
		t.Error("a card id too long for task_id was accepted")
	}
}

func TestLongConnCardUpdateOnlyForAndWelcome(t *testing.T) {
	srv := wecomtest.New(t, lcBot, lcSecret)
	team := config.Team{ID: "presale", WeCom: config.TeamWeCom{ChatID: "wrkPre"}, Members: []config.Member{
		{ID: "xw", Name: "小王", WeComUserID: "u-agent", Role: "agent"},
		{ID: "chen", Name: "陈主管", WeComUserID: "u-sup", Role: "supervisor"},
	}}
	c := startLongConn(t, srv, lcSecret, nil, fastTuning(), team)
	waitTrue(t, "client connected", c.p.Connected)
	ctx := context.Background()
	card := &bot.Card{ID: "quiz:1", Title: "第 1 题", Options: []bot.CardOption{{ID: "A", Label: "A"}, {ID: "B", Label: "B"}}}
	if err := c.p.Send(ctx, bot.Destination{Platform: "wecom", ChatID: "wrkPre"}, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	key, _ := ButtonKey("quiz:1", "B")
	clickReq := srv.SendClick(wecomtest.Click{ChatID: "wrkPre", UserID: "u-agent", CardType: "button_interaction", Key: key, NoTaskID: true})
	ev := c.sink.wait(t, 1)[0]
	if ev.Reply[ReplyKindKey] != "click" || ev.Reply[ReplyReqIDKey] != clickReq {
		t.Fatalf("click reply handle: %v", ev.Reply)
	}
	dest := bot.Destination{Platform: "wecom", ChatID: ev.ChatID, Reply: ev.Reply}

	// The clicked card is updated in place for the clicker only.
	done := &bot.Card{ID: "quiz:1", Title: "第 1 题 · 已作答", Options: []bot.CardOption{{ID: "A", Label: "A"}, {ID: "B", Label: "✓ B"}}}
	if err := c.p.Send(ctx, dest, bot.Message{Card: done, Update: true, OnlyFor: []string{"u-agent"}}); err != nil {
		t.Fatal(err)
	}
	up := srv.State().Of("aibot_respond_update_msg")
	if len(up) != 1 || up[0].ReqID != clickReq || up[0].Str("response_type") != "update_template_card" ||
		up[0].Str("template_card", "main_title", "title") != "第 1 题 · 已作答" || fmt.Sprint(up[0].Body["userids"]) != "[u-agent]" {
		t.Fatalf("card update: %+v", up)
	}
	// A second update for the same click cannot use the req_id again: the
	// clicker gets it in a single chat, not the group.
	if err := c.p.Send(ctx, dest, bot.Message{Card: done, Update: true, OnlyFor: []string{"u-agent"}}); err != nil {
		t.Fatal(err)
	}
	// A click whose 5 s window has passed, to everybody: a new card in the chat.
	late := bot.Destination{Platform: "wecom", ChatID: "wrkPre", Reply: map[string]string{ReplyReqIDKey: "cb-old", ReplyConnKey: ev.Reply[ReplyConnKey],
		ReplyKindKey: "click", ReplyReceivedKey: time.Now().Add(-6 * time.Second).UTC().Format(time.RFC3339Nano)}}
	if err := c.p.Send(ctx, late, bot.Message{Card: done, Update: true}); err != nil {
		t.Fatal(err)
	}
	// OnlyFor without Update: a private message to each user.
	if err := c.p.Send(ctx, bot.Destination{Platform: "wecom", ChatID: "wrkPre"}, bot.Message{Markdown: "你的成绩：3/3", OnlyFor: []string{"u-agent", "u-sup"}}); err != nil {
		t.Fatal(err)
	}
	st := srv.State()
	if len(st.Of("aibot_respond_update_msg")) != 1 {
		t.Errorf("updates: %+v", st.Of("aibot_respond_update_msg"))
	}
	var got []string
	for _, r := range st.Of("aibot_send_msg")[1:] {
		got = append(got, r.Str("chatid")+":"+r.Str("msgtype"))
	}
	if strings.Join(got, ",") != "u-agent:template_card,wrkPre:template_card,u-agent:markdown,u-sup:markdown" {
		t.Errorf("pushes after the update: %v", got)
	}

	// A user opens a chat with the robot: a role-aware welcome within 5 s.
	for user, want := range map[string]string{"u-agent": "小王你好", "u-sup": "陈主管你好", "u-new": "不在班组名单"} {
		req := srv.SendEnterChat(user)
		srv.Wait(lcWait, "the welcome to "+user, func(s wecomtest.Snapshot) bool {
			for _, r := range s.Of("aibot_respond_welcome_msg") {
				if r.ReqID == req && strings.Contains(r.Str("text", "content"), want) {
					return true
				}
			}
			return false
		})
	}
	c.sink.none(t) // enter_chat reaches no handler
}
