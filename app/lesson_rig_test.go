package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

var updateLessonGolden = flag.Bool("update-lesson-golden", false, "rewrite app/testdata/lesson-*.golden")

// lessonClock is a fake clock the test moves by hand.
type lessonClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lessonClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *lessonClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// lessonRun is one banzu under a fake clock.
type lessonRun struct {
	*running
	clock *lessonClock
}

func startLessonApp(t *testing.T, cfg *config.Config, clock *lessonClock) *lessonRun {
	t.Helper()
	return &lessonRun{running: startWith(t, cfg, app.Options{Now: clock.Now}), clock: clock}
}

type lessonMsg struct {
	ID       int64     `json:"id"`
	From     string    `json:"from"`
	Text     string    `json:"text"`
	Markdown string    `json:"markdown"`
	Card     *bot.Card `json:"card"`
}

func (m lessonMsg) body() string {
	s := m.Markdown + m.Text
	if m.Card != nil {
		s += "[" + m.Card.Title + "] " + m.Card.Text
		for _, o := range m.Card.Options {
			s += " {" + o.ID + "|" + o.Label + "}"
		}
	}
	return s
}

// messages is what everyone sees of chat after id after.
func (r *lessonRun) messages(chat string, after int64) []lessonMsg {
	return r.messagesFor(chat, "", after)
}

// messagesFor is what user sees of chat after id after: with the entries
// shown to them alone and the cards in their own state.
func (r *lessonRun) messagesFor(chat, user string, after int64) []lessonMsg {
	var page struct{ Messages []lessonMsg }
	r.get(fmt.Sprintf("/console/api/messages?chat_id=%s&user_id=%s&after=%d", chat, user, after), &page)
	return page.Messages
}

func (r *lessonRun) lastID(chat string) int64 {
	msgs := r.messages(chat, 0)
	if len(msgs) == 0 {
		return 0
	}
	return msgs[len(msgs)-1].ID
}

// waitBot waits for a bot message after id containing want and returns it.
func (r *lessonRun) waitBot(chat string, after int64, want string) lessonMsg {
	r.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, m := range r.messages(chat, after) {
			if m.From == "bot" && strings.Contains(m.body(), want) {
				return m
			}
		}
	}
	var got []string
	for _, m := range r.messages(chat, after) {
		got = append(got, m.From+": "+m.body())
	}
	r.t.Fatalf("no bot message with %q after %d; got:\n%s", want, after, strings.Join(got, "\n"))
	return lessonMsg{}
}

// advance moves the clock and runs the lesson ticker once.
func (r *lessonRun) advance(d time.Duration) {
	r.t.Helper()
	r.clock.Add(d)
	if err := r.app.Lessons().Tick(context.Background()); err != nil {
		r.t.Fatal(err)
	}
}

// tap clicks a card option as user.
func (r *lessonRun) tap(chat, user, card string, opts ...string) string {
	r.t.Helper()
	body, _ := json.Marshal(map[string]any{"chat_id": chat, "user_id": user, "card_id": card, "options": opts})
	resp, err := http.Post(r.srv.URL+"/console/api/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	var posted struct{ ID int64 }
	json.NewDecoder(resp.Body).Decode(&posted)
	resp.Body.Close()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, m := range r.messagesFor(chat, user, posted.ID) {
			if m.From == "bot" {
				return m.body()
			}
		}
	}
	r.t.Fatalf("no reply to tap %s %v", card, opts)
	return ""
}

// option finds the displayed letter of the card option whose label has text.
func option(t *testing.T, c *bot.Card, text string) string {
	t.Helper()
	for _, o := range c.Options {
		if strings.Contains(o.Label, text) {
			return o.ID
		}
	}
	t.Fatalf("card %s has no option %q: %+v", c.ID, text, c.Options)
	return ""
}

func lessonStartTime() time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 10, 14, 14, 0, 0, 0, loc) // a Wednesday
}

func checkLessonGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateLessonGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-lesson-golden to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update-lesson-golden to accept):\n%s", name, got)
	}
}
