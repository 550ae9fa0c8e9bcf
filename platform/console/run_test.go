package console

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot"
)

func TestFileLinksArePercentEncodedAndDownload(t *testing.T) {
	c := newConsoleTest(t)
	ctx := context.Background()
	name := "售前组 报表#1?.xlsx"
	if err := c.p.Send(ctx, bot.Destination{Platform: Name, ChatID: "presale"}, bot.Message{File: &bot.File{Name: name, Data: []byte("PK..")}}); err != nil {
		t.Fatal(err)
	}
	msgs, _ := c.p.Messages(ctx, "presale", 0, 0)
	u := msgs[len(msgs)-1].File.URL
	if strings.ContainsAny(u, "售 #?") || !strings.HasPrefix(u, "/console/files/") {
		t.Fatalf("file URL %q is not percent-encoded", u)
	}
	w := httptest.NewRecorder()
	c.mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, u, nil))
	body, _ := io.ReadAll(w.Body)
	if w.Code != http.StatusOK || string(body) != "PK.." || !strings.Contains(w.Header().Get("Content-Disposition"), "UTF-8''") {
		t.Errorf("download %s: %d %q %q", u, w.Code, body, w.Header().Get("Content-Disposition"))
	}
}

func TestChatMembersCarryChineseRoleNames(t *testing.T) {
	c := newConsoleTest(t)
	labels := map[string]string{}
	for _, m := range c.s.Chats()[0].Members {
		labels[m.UserID] = m.Role + "/" + m.Label
	}
	if labels["chen"] != "supervisor/主管" || labels["xiaowang"] != "agent/客服" || labels["zhao"] != "manager/经理" {
		t.Errorf("roles: %v", labels)
	}
}

func TestRunAsPostsAndDispatchesAsTheMember(t *testing.T) {
	c := newConsoleTest(t)
	ctx := context.Background()
	id, err := c.s.RunAs(ctx, "presale", "chen", " /approve 3 ")
	if err != nil {
		t.Fatal(err)
	}
	ev := c.ev.last(t)
	if ev.SenderID != "chen" || ev.ChatID != "presale" || ev.Text != "/approve 3" || ev.MessageID == "" || ev.ChatType != bot.ChatGroup {
		t.Errorf("event %+v", ev)
	}
	msgs, _ := c.p.Messages(ctx, "presale", 0, 0)
	if len(msgs) != 1 || msgs[0].ID != id || msgs[0].From != "chen" || msgs[0].Text != "/approve 3" {
		t.Errorf("chat after RunAs: %+v", msgs)
	}
	for _, tc := range []struct {
		chat, user, text string
		code             int
	}{
		{"nowhere", "chen", "/kpi", 404},
		{"presale", "lin", "/kpi", 403}, // lin is not in 售前组
		{"presale", "chen", "  ", 400},
		{"presale", "chen", strings.Repeat("长", MaxText+1), 413},
	} {
		_, err := c.s.RunAs(ctx, tc.chat, tc.user, tc.text)
		var re *RunError
		if !errors.As(err, &re) || re.Code != tc.code {
			t.Errorf("RunAs(%s, %s, %.10q): %v, want %d", tc.chat, tc.user, tc.text, err, tc.code)
		}
	}
}
