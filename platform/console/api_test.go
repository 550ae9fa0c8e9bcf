package console

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/store/embedded"
)

// events records what the console dispatches.
type events struct {
	mu  sync.Mutex
	got []bot.Event
}

func (e *events) Dispatch(_ context.Context, ev bot.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
	return nil
}

func (e *events) last(t *testing.T) bot.Event {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.got) == 0 {
		t.Fatal("nothing dispatched")
	}
	return e.got[len(e.got)-1]
}

type consoleTest struct {
	t   *testing.T
	p   *Platform
	s   *Server
	ev  *events
	mux *http.ServeMux
}

func newConsoleTest(t *testing.T) *consoleTest {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	teams := []config.Team{
		{ID: "presale", Name: "售前组", Members: []config.Member{
			{ID: "chen", Name: "陈主管", Role: "supervisor"}, {ID: "xiaowang", Name: "小王", Role: "agent"}, {ID: "zhao", Name: "赵经理", Role: "manager"}}},
		{ID: "aftersale", Name: "售后组", Members: []config.Member{
			{ID: "lin", Name: "林主管", Role: "supervisor"}, {ID: "xiaozhou", Name: "小周"}, {ID: "zhao", Name: "赵经理", Role: "manager"}}},
	}
	dir, err := bot.NewDirectory(context.Background(), st, teams)
	if err != nil {
		t.Fatal(err)
	}
	c := &consoleTest{t: t, p: New(st, nil), ev: &events{}, mux: http.NewServeMux()}
	c.s = NewServer(c.p, dir, c.ev)
	c.s.Register(c.mux)
	return c
}

// post sends a message as user into chat and returns the HTTP status.
func (c *consoleTest) post(chat, user, text string) int {
	c.t.Helper()
	body, _ := json.Marshal(postBody{ChatID: chat, UserID: user, Text: text})
	w := httptest.NewRecorder()
	c.mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/console/api/messages", bytes.NewReader(body)))
	return w.Code
}

func TestMentionedOnlyWhenAddressed(t *testing.T) {
	c := newConsoleTest(t)
	for _, tc := range []struct {
		chat, user, text, want string
		mentioned              bool
	}{
		{"presale", "xiaowang", "@班组助手 A", "A", true},
		{"presale", "xiaowang", "＠班组助手 对", "对", true},
		{"presale", "xiaowang", "@bot /kpi", "/kpi", true},
		{"presale", "xiaowang", "@班组助手48小时", "48小时", true},
		{"presale", "xiaowang", "我觉得选 A", "我觉得选 A", false},
		{"presale", "xiaowang", "/kpi", "/kpi", false},
		{"presale", "xiaowang", "@bottle 不是机器人", "@bottle 不是机器人", false},
		{"presale", "xiaowang", "@小王 你看下", "@小王 你看下", false},
		{InboxPrefix + "chen", "chen", "72小时", "72小时", true}, // a single chat is always addressed to the bot
		{InboxPrefix + "chen", "chen", "@班组助手 B", "B", true},
	} {
		if code := c.post(tc.chat, tc.user, tc.text); code != http.StatusOK {
			t.Fatalf("post %q to %s: %d", tc.text, tc.chat, code)
		}
		ev := c.ev.last(t)
		if ev.Text != tc.want || ev.Mentioned != tc.mentioned {
			t.Errorf("%s %q: text %q mentioned %v, want %q %v", tc.chat, tc.text, ev.Text, ev.Mentioned, tc.want, tc.mentioned)
		}
	}
}

func TestEveryMemberHasAnInboxAfterTheGroups(t *testing.T) {
	c := newConsoleTest(t)
	var ids []string
	for _, ch := range c.s.Chats() {
		ids = append(ids, ch.ChatID+"/"+ch.Type+"/"+ch.TeamID)
		if ch.Type == "single" && (len(ch.Members) != 1 || InboxPrefix+ch.Members[0].UserID != ch.ChatID || ch.Name != ch.Members[0].Name+" 的私聊") {
			t.Errorf("inbox %+v", ch)
		}
	}
	want := "presale/group/presale aftersale/group/aftersale inbox:chen/single/presale inbox:xiaowang/single/presale " +
		"inbox:zhao/single/presale inbox:lin/single/aftersale inbox:xiaozhou/single/aftersale"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("chats:\n got %s\nwant %s", got, want)
	}

	// The owner posts into their inbox: a single chat event from them.
	if code := c.post(InboxPrefix+"xiaowang", "xiaowang", "/复习"); code != http.StatusOK {
		t.Fatalf("owner posting: %d", code)
	}
	ev := c.ev.last(t)
	if ev.ChatID != InboxPrefix+"xiaowang" || ev.ChatType != bot.ChatSingle || ev.SenderID != "xiaowang" || !ev.Mentioned {
		t.Errorf("inbox event %+v", ev)
	}
	if code := c.post(InboxPrefix+"xiaowang", "chen", "hi"); code != http.StatusForbidden {
		t.Errorf("someone else posting into an inbox: %d", code)
	}
	// The bot's answer to that chat, and a direct message to the member,
	// both land in the inbox.
	ctx := context.Background()
	if err := c.p.Send(ctx, bot.Destination{Platform: Name, ChatID: ev.ChatID}, bot.Message{Text: "答复"}); err != nil {
		t.Fatal(err)
	}
	if err := c.p.Send(ctx, bot.Destination{Platform: Name, UserID: "xiaowang"}, bot.Message{Text: "私信"}); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.p.Messages(ctx, InboxPrefix+"xiaowang", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.From+":"+m.Text)
	}
	if strings.Join(got, " ") != "xiaowang:/复习 bot:答复 bot:私信" {
		t.Errorf("inbox messages: %v", got)
	}
}

// view lists what user sees of chat after id through the HTTP API.
func (c *consoleTest) view(chat, user string, after int64) []Entry {
	c.t.Helper()
	w := httptest.NewRecorder()
	c.mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/console/api/messages?chat_id="+chat+"&user_id="+user+"&after="+strconv.FormatInt(after, 10), nil))
	if w.Code != http.StatusOK {
		c.t.Fatalf("view %s as %s: %d %s", chat, user, w.Code, w.Body)
	}
	var page struct{ Messages []Entry }
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
		c.t.Fatal(err)
	}
	return page.Messages
}

func describe(es []Entry) string {
	var out []string
	for _, e := range es {
		s := e.From + ":" + e.Text
		if e.Card != nil {
			s += "[" + e.Card.Text + "]"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// A tap leaves no message in the group; the bot's card update and private
// note are shown to the person they are for, the card as sent to the rest.
func TestPrivateEntriesAndCardUpdates(t *testing.T) {
	c := newConsoleTest(t)
	ctx := context.Background()
	group := bot.Destination{Platform: Name, ChatID: "presale", TeamID: "presale"}
	card := &bot.Card{ID: "q1", Title: "第 1 题", Text: "题目", Options: []bot.CardOption{{ID: "A", Label: "A. 甲"}, {ID: "B", Label: "B. 乙"}}}
	if err := c.p.Send(ctx, group, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(postBody{ChatID: "presale", UserID: "xiaowang", CardID: "q1", Options: []string{"B"}})
	w := httptest.NewRecorder()
	c.mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/console/api/messages", bytes.NewReader(body)))
	if w.Code != http.StatusOK {
		t.Fatalf("tap: %d", w.Code)
	}
	var posted struct{ ID int64 }
	json.Unmarshal(w.Body.Bytes(), &posted)
	if ev := c.ev.last(t); ev.Action == nil || ev.Action.CardID != "q1" || ev.MessageID == "" {
		t.Errorf("tap event %+v", ev)
	}
	mine := *card
	mine.Text = "题目\n你的选择：B"
	if err := c.p.Send(ctx, group, bot.Message{Card: &mine, Update: true, OnlyFor: []string{"xiaowang"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.p.Send(ctx, group, bot.Message{Text: "已记录", OnlyFor: []string{"xiaowang"}}); err != nil {
		t.Fatal(err)
	}
	if got := describe(c.view("presale", "chen", 0)); got != "bot:[题目]" {
		t.Errorf("another member sees %q", got)
	}
	if got := describe(c.view("presale", "", 0)); got != "bot:[题目]" {
		t.Errorf("an anonymous viewer sees %q", got)
	}
	if got := describe(c.view("presale", "xiaowang", 0)); got != "bot:[题目\n你的选择：B] bot:已记录" {
		t.Errorf("the tapper sees %q", got)
	}
	// Polling after the tap returns the updated card again, then the note.
	after := c.view("presale", "xiaowang", posted.ID)
	if got := describe(after); got != "bot:[题目\n你的选择：B] bot:已记录" || after[0].Rev <= posted.ID {
		t.Errorf("the tapper polling after the tap sees %q (%+v)", got, after)
	}
	if got := c.view("presale", "chen", posted.ID); len(got) != 0 {
		t.Errorf("another member polling after the tap sees %q", describe(got))
	}
	// An update for everyone (progress) reaches all; the tapper keeps their
	// own state, sent again.
	all := *card
	all.Text = "题目\n已作答 1/2"
	mark := c.view("presale", "xiaowang", 0)[1].ID
	if err := c.p.Send(ctx, group, bot.Message{Card: &all, Update: true}); err != nil {
		t.Fatal(err)
	}
	if got := describe(c.view("presale", "chen", mark)); got != "bot:[题目\n已作答 1/2]" {
		t.Errorf("progress for others: %q", got)
	}
	if got := describe(c.view("presale", "xiaowang", mark)); got != "bot:[题目\n你的选择：B]" {
		t.Errorf("progress for the tapper: %q", got)
	}
	// An update of a card the chat never showed is a new private entry.
	if err := c.p.Send(ctx, group, bot.Message{Card: &bot.Card{ID: "gone", Text: "旧卡"}, Update: true, OnlyFor: []string{"xiaowang"}}); err != nil {
		t.Fatal(err)
	}
	if got := describe(c.view("presale", "chen", 0)); strings.Contains(got, "旧卡") {
		t.Errorf("a fallback private card is public: %q", got)
	}
	if got := describe(c.view("presale", "xiaowang", 0)); !strings.HasSuffix(got, "bot:[旧卡]") {
		t.Errorf("fallback card: %q", got)
	}
}
