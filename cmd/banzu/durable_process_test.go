package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

// quizTeamConfig is a team of one supervisor and n agents, on the console,
// with quiz questions that stay open long enough for a crash and a restart.
func quizTeamConfig(n int, storeYAML string) string {
	var b strings.Builder
	b.WriteString(storeYAML)
	b.WriteString("lesson:\n  question_seconds: 600\n  quiz_minutes: 60\n  questions: 2\n  review_questions: 0\n")
	b.WriteString("teams:\n  - id: t1\n    name: 售前组\n    members:\n      - {id: chen, name: 陈主管, role: supervisor}\n")
	for i := range n {
		fmt.Fprintf(&b, "      - {id: a%03d, name: 客服%03d, role: agent}\n", i, i)
	}
	return b.String()
}

// openQuiz starts a lesson in t1 through p and waits for the first question.
func openQuiz(t *testing.T, p *proc) {
	t.Helper()
	p.say("t1", "chen", "/lesson start")
	waitFor(t, 20*time.Second, "the knowledge point", func() bool { return p.countBot("t1", "每日微课堂") >= 1 })
	p.say("t1", "chen", "/lesson skip")
	waitFor(t, 20*time.Second, "the case", func() bool { return p.countBot("t1", "讨论") >= 1 })
	p.say("t1", "chen", "/lesson skip")
	waitFor(t, 20*time.Second, "the first question", func() bool {
		for _, m := range p.messages("t1") {
			if m.Card != nil && strings.Contains(m.Card.Title, "第 1/") {
				return true
			}
		}
		return false
	})
}

// post sends one console message and reports whether banzu acknowledged it
// (200). A connection cut by a crash counts as not acknowledged.
func post(url, chat, user, text string) bool {
	body, _ := json.Marshal(map[string]string{"chat_id": chat, "user_id": user, "text": text})
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Post(url+"/console/api/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// answerBurst sends "/a A" from agents a000..a(n-1) through the given
// processes (round robin), 32 at a time, and calls kill once a random number
// of them (between 10 % and 90 %) has been acknowledged, while the rest are
// in flight. It returns who was acknowledged.
func answerBurst(t *testing.T, n int, urls []string, kill func()) map[string]bool {
	t.Helper()
	var mu sync.Mutex
	acked := map[string]bool{}
	killAfter := n/10 + rand.IntN(n*8/10)
	var once sync.Once
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			id := fmt.Sprintf("a%03d", i)
			if !post(urls[i%len(urls)], "t1", id, "/a A") {
				return
			}
			mu.Lock()
			acked[id] = true
			k := len(acked)
			mu.Unlock()
			if k >= killAfter {
				once.Do(kill)
			}
		}()
	}
	wg.Wait()
	once.Do(kill)
	t.Logf("killed after %d acknowledgements: %d of %d answers acknowledged in all", killAfter, len(acked), n)
	return acked
}

// answeredBy reads who answered question 1 of t1's running lesson.
func answeredBy(t *testing.T, st store.Store) map[string]int {
	t.Helper()
	ctx := context.Background()
	repo := lesson.NewRepo(st)
	s, err := repo.Active(ctx, "t1")
	if err != nil || s == nil {
		t.Fatalf("no running lesson in t1: %v", err)
	}
	answers, err := repo.Answers(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, a := range answers {
		if a.Q == 0 {
			got[a.Member]++
		}
	}
	return got
}

// checkScoredOnce fails unless every acknowledged answer was recorded, and
// every recorded one exactly once.
func checkScoredOnce(t *testing.T, acked map[string]bool, got map[string]int, sent int) {
	t.Helper()
	var missing []string
	for id := range acked {
		if got[id] == 0 {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d acknowledged answers were lost: %v", len(missing), missing)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s's answer recorded %d times", id, n)
		}
	}
	if len(got) > sent {
		t.Errorf("%d answers recorded, only %d sent", len(got), sent)
	}
	t.Logf("%d acknowledged, %d recorded (answers cut by the crash may be either)", len(acked), len(got))
}

// TestKill9DuringQuiz: 300 agents answer at once; banzu is killed with
// SIGKILL at a random moment; after a restart every answer that was
// acknowledged with 200 is recorded exactly once.
func TestKill9DuringQuiz(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	const agents = 300
	data := t.TempDir()
	cfg := writeConfig(t, quizTeamConfig(agents, ""))
	env := []string{"BANZU_CONFIG=" + cfg, "BANZU_DATA_DIR=" + data}
	p := startProc(t, env)
	openQuiz(t, p)
	acked := answerBurst(t, agents, []string{p.url}, p.kill9)
	p2 := startProc(t, env)
	// The crashed process's events are taken over after 10 s without a
	// sign of life; wait until the inbox is empty, then stop to read the file.
	restarted := time.Now()
	waitInboxEmpty(t, p2)
	t.Logf("inbox drained %v after the restart", time.Since(restarted).Round(100*time.Millisecond))
	p2.stop()
	st, err := embedded.Open(filepath.Join(data, "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkScoredOnce(t, acked, answeredBy(t, st), agents)
}

// TestKill9ReplicaDuringQuiz: the same with two replicas on one Redis,
// answers sent to both, one of them killed.
func TestKill9ReplicaDuringQuiz(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	const agents = 300
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	cfg := writeConfig(t, quizTeamConfig(agents, fmt.Sprintf("store:\n  driver: redis\n  redis: {url: %q, prefix: %q}\n", url, prefix)))
	env := []string{"BANZU_CONFIG=" + cfg}
	a := startProc(t, env)
	b := startProc(t, env)
	openQuiz(t, a)
	var killed time.Time
	acked := answerBurst(t, agents, []string{a.url, b.url}, func() { a.kill9(); killed = time.Now() })
	waitInboxEmpty(t, b)
	t.Logf("the other replica drained the inbox %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	st, err := redisstore.Open(redisstore.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkScoredOnce(t, acked, answeredBy(t, st), agents)
}

// TestKill9DuringReport: a /report whose handling is cut by SIGKILL arrives
// after the restart, once.
func TestKill9DuringReport(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	data := t.TempDir()
	env := []string{"BANZU_DATA_DIR=" + data}
	p := startProc(t, env, "--demo")
	// The workbook takes a moment to build: kill as soon as the request is
	// acknowledged, before the file can have been delivered.
	if !post(p.url, "presale", "chen", "/report 上月") {
		t.Fatal("/report not acknowledged")
	}
	p.kill9()
	p2 := startProc(t, env, "--demo")
	waitFor(t, 60*time.Second, "the workbook after the restart", func() bool { return countFiles(p2, "presale") >= 1 })
	time.Sleep(2 * time.Second) // room for a duplicate
	if n := countFiles(p2, "presale"); n != 1 {
		t.Fatalf("%d workbooks, want 1", n)
	}
}

// countFiles counts the files the bot posted in chat; it reads the data
// through a running process, or returns 0 for a dead one.
func countFiles(p *proc, chat string) int {
	select {
	case <-p.done:
		return 0
	default:
	}
	resp, err := http.Get(p.url + "/console/api/messages?chat_id=" + chat)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var page struct {
		Messages []struct {
			From string          `json:"from"`
			File json.RawMessage `json:"file"`
		}
	}
	json.NewDecoder(resp.Body).Decode(&page)
	n := 0
	for _, m := range page.Messages {
		if m.From == "bot" && len(m.File) > 0 && string(m.File) != "null" {
			n++
		}
	}
	return n
}

// waitInboxEmpty waits until p's /metrics shows no event waiting or taken.
func waitInboxEmpty(t *testing.T, p *proc) {
	t.Helper()
	waitFor(t, 60*time.Second, "the inbox to drain", func() bool {
		resp, err := http.Get(p.url + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		text := buf.String()
		return strings.Contains(text, `banzu_inbox_depth{state="waiting"} 0`) && strings.Contains(text, `banzu_inbox_depth{state="taken"} 0`)
	})
}
