package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

// recorder is a platform that records what it is sent.
type recorder struct {
	mu   sync.Mutex
	sent []sent
	fail func(n int) error // error for the n-th send (0-based), nil = success
	n    int
	pace int
}

type sent struct {
	dest bot.Destination
	msg  bot.Message
}

func (r *recorder) Name() string { return "console" }

func (r *recorder) Send(_ context.Context, d bot.Destination, m bot.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.n
	r.n++
	if r.fail != nil {
		if err := r.fail(n); err != nil {
			return err
		}
	}
	r.sent = append(r.sent, sent{d, m})
	return nil
}

func (r *recorder) PaceKey(d bot.Destination) (string, int, time.Duration) {
	if r.pace == 0 {
		return "", 0, 0
	}
	return "test:" + d.ChatID, r.pace, time.Minute
}

func (r *recorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.sent {
		out = append(out, s.msg.Markdown+s.msg.Text)
	}
	return out
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var teams = []config.Team{{ID: "t1", Name: "售前组", Members: []config.Member{
	{ID: "sup", Name: "陈主管", Role: "supervisor"},
	{ID: "a1", Name: "小王", Role: "agent", Aliases: []string{"旗舰店:小王"}},
	{ID: "mgr", Name: "赵经理", Role: "manager"},
}}}

type harness struct {
	bot *bot.Bot
	rec *recorder
	st  store.Store
}

func newHarness(t *testing.T, extra ...*bot.Command) *harness {
	t.Helper()
	return newHarnessOpts(t, bot.Options{Workers: 4, HandlerTimeout: 200 * time.Millisecond}, extra...)
}

func newHarnessOpts(t *testing.T, opts bot.Options, extra ...*bot.Command) *harness {
	t.Helper()
	st := openStore(t)
	dir, err := bot.NewDirectory(context.Background(), st, teams)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	out := bot.NewOutbox(st, []bot.Platform{rec}, bot.OutboxOptions{Poll: 5 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	cmds := bot.NewCommands()
	cmds.Add(&bot.Command{Name: "help", Aliases: []string{"帮助"}, Summary: "查看可用命令", Usage: "/help", Role: bot.RoleGuest,
		Handler: func(ctx context.Context, req *bot.Request) error { return req.ReplyText(ctx, cmds.HelpText(req.Role)) }})
	cmds.Add(&bot.Command{Name: "report", Aliases: []string{"报表"}, Summary: "生成报表", Usage: "/report [月份]", Role: bot.RoleSupervisor,
		Handler: func(ctx context.Context, req *bot.Request) error {
			return req.ReplyText(ctx, "报表："+strings.Join(req.Args, ","))
		}})
	cmds.Add(&bot.Command{Name: "award", Summary: "颁奖", Usage: "/award 奖项 @名字", Role: bot.RoleSupervisor, MinArgs: 2,
		Handler: func(ctx context.Context, req *bot.Request) error { return req.ReplyText(ctx, "ok") }})
	cmds.Add(extra...)
	b := bot.New(st, dir, cmds, out, opts)
	b.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); out.Run(ctx) }()
	t.Cleanup(func() { b.Stop(); cancel(); <-done })
	return &harness{bot: b, rec: rec, st: st}
}

var msgSeq int

func (h *harness) say(t *testing.T, user, text string) {
	t.Helper()
	msgSeq++
	ev := bot.Event{Platform: "console", ChatID: "t1", ChatType: bot.ChatGroup, SenderID: user, Text: text, MessageID: "m" + time.Now().Format("150405.000000000") + user + text}
	if err := h.bot.Dispatch(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until n messages were delivered and returns their texts.
func (h *harness) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if got := h.rec.texts(); len(got) >= n {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("want %d messages, got %q", n, h.rec.texts())
	return nil
}

func TestHelpListsOnlyWhatTheCallerMayUse(t *testing.T) {
	h := newHarness(t)
	h.say(t, "a1", "/help")
	got := h.waitFor(t, 1)[0]
	if !strings.Contains(got, "/help") || strings.Contains(got, "/report") {
		t.Errorf("agent help should list /help but not /report:\n%s", got)
	}
	h.say(t, "sup", "/帮助")
	got = h.waitFor(t, 2)[1]
	if !strings.Contains(got, "/report（/报表）") || !strings.Contains(got, "主管") {
		t.Errorf("supervisor help should list /report with its alias:\n%s", got)
	}
}

func TestRefusalUsageAndClosestMatch(t *testing.T) {
	h := newHarness(t)
	h.say(t, "a1", "/report 2026-10")
	if got := h.waitFor(t, 1)[0]; !strings.Contains(got, "仅限主管") {
		t.Errorf("agent /report: %q", got)
	}
	h.say(t, "sup", "／报表 2026-10")
	if got := h.waitFor(t, 2)[1]; got != "报表：2026-10" {
		t.Errorf("full-width slash and alias: %q", got)
	}
	h.say(t, "sup", "/award 委屈奖")
	if got := h.waitFor(t, 3)[2]; !strings.Contains(got, "用法：/award 奖项 @名字") {
		t.Errorf("too few args should get usage: %q", got)
	}
	h.say(t, "sup", "/reprot")
	if got := h.waitFor(t, 4)[3]; !strings.Contains(got, "/report") {
		t.Errorf("closest match: %q", got)
	}
	h.say(t, "stranger", "/report")
	if got := h.waitFor(t, 5)[4]; !strings.Contains(got, "不在班组名单") {
		t.Errorf("unknown user: %q", got)
	}
}

func TestDuplicateMessageHandledOnce(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	h := newHarness(t, &bot.Command{Name: "count", Usage: "/count", Role: bot.RoleAgent, Handler: func(ctx context.Context, req *bot.Request) error {
		mu.Lock()
		calls++
		mu.Unlock()
		return req.ReplyText(ctx, "counted")
	}})
	ev := bot.Event{Platform: "console", ChatID: "t1", SenderID: "a1", Text: "/count", MessageID: "same-id"}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); h.bot.Dispatch(context.Background(), ev) }()
	}
	wg.Wait()
	h.waitFor(t, 1)
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 || len(h.rec.texts()) != 1 {
		t.Errorf("handled %d times, %d replies; want 1", calls, len(h.rec.texts()))
	}
}

func TestPanicAndTimeoutAreAnsweredAndSurvived(t *testing.T) {
	h := newHarness(t,
		&bot.Command{Name: "boom", Usage: "/boom", Role: bot.RoleAgent, Handler: func(context.Context, *bot.Request) error { panic("kaboom") }},
		&bot.Command{Name: "slow", Usage: "/slow", Role: bot.RoleAgent, Handler: func(ctx context.Context, _ *bot.Request) error {
			<-ctx.Done()
			return ctx.Err()
		}},
		&bot.Command{Name: "oops", Usage: "/oops", Role: bot.RoleAgent, Handler: func(context.Context, *bot.Request) error { return bot.Userf("日期格式不对") }},
	)
	h.say(t, "a1", "/boom")
	if got := h.waitFor(t, 1)[0]; !strings.Contains(got, "出错") {
		t.Errorf("panic reply: %q", got)
	}
	h.say(t, "a1", "/slow")
	if got := h.waitFor(t, 2)[1]; !strings.Contains(got, "超时") {
		t.Errorf("timeout reply: %q", got)
	}
	h.say(t, "a1", "/oops")
	if got := h.waitFor(t, 3)[2]; got != "日期格式不对" {
		t.Errorf("user error reply: %q", got)
	}
	h.say(t, "a1", "/help")
	h.waitFor(t, 4) // still alive
}

func TestRoleOverrideSurvivesReload(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	dir, _ := bot.NewDirectory(ctx, st, teams)
	if err := dir.SetRole(ctx, "a1", bot.RoleSupervisor); err != nil {
		t.Fatal(err)
	}
	dir2, err := bot.NewDirectory(ctx, st, teams)
	if err != nil {
		t.Fatal(err)
	}
	if r := dir2.RoleOf(dir2.User("console", "a1")); r != bot.RoleSupervisor {
		t.Errorf("role after reload = %v", r)
	}
	if m := dir2.FindInTeam(dir2.Team("t1"), "@旗舰店:小王"); m == nil || m.ID != "a1" {
		t.Errorf("alias lookup failed: %+v", m)
	}
}

func TestParseCommand(t *testing.T) {
	cases := []struct {
		in   string
		name string
		args string
		ok   bool
	}{
		{"/kpi 小王", "kpi", "小王", true},
		{"  ／报表　上月 ", "报表", "上月", true},
		{"/report 2026-10-01 2026-10-15", "report", "2026-10-01|2026-10-15", true},
		{"hello", "", "", false},
		{"/", "", "", false},
		{"/ kpi", "kpi", "", true},
		{"/　ｋｐｉ 小王", "kpi", "小王", true},
		{"/ ", "", "", false},
		{"/ 2", "", "", false},
	}
	for _, c := range cases {
		name, args, _, ok := bot.ParseCommand(c.in)
		if ok != c.ok || name != c.name || strings.Join(args, "|") != c.args {
			t.Errorf("ParseCommand(%q) = %q %q %v", c.in, name, args, ok)
		}
	}
}

func TestOutboxRetriesUntilDeliveredAndKeepsOrder(t *testing.T) {
	h := newHarness(t)
	h.rec.fail = func(n int) error {
		if n < 3 {
			return errors.New("network down")
		}
		return nil
	}
	ctx := context.Background()
	for _, s := range []string{"一", "二", "三"} {
		if err := h.bot.Send(ctx, bot.Destination{Platform: "console", ChatID: "t1"}, bot.Message{Text: s}); err != nil {
			t.Fatal(err)
		}
	}
	got := h.waitFor(t, 3)
	if strings.Join(got, "") != "一二三" {
		t.Errorf("order after retries: %q", got)
	}
}

func TestOutboxPermanentErrorGoesToDeadLedger(t *testing.T) {
	h := newHarness(t)
	h.rec.fail = func(n int) error {
		if n == 0 {
			return &bot.PermanentError{Err: errors.New("bad webhook key")}
		}
		return nil
	}
	ctx := context.Background()
	h.bot.Send(ctx, bot.Destination{Platform: "console", ChatID: "t1"}, bot.Message{Text: "坏"})
	h.bot.Send(ctx, bot.Destination{Platform: "console", ChatID: "t1"}, bot.Message{Text: "好"})
	h.waitFor(t, 1)
	var dead int
	h.st.Ledger(ctx, "outbox.dead", 0, func(int64, []byte) error { dead++; return nil })
	if dead != 1 {
		t.Errorf("dead-letter entries = %d, want 1", dead)
	}
}

func TestOutboxPacesPerDestination(t *testing.T) {
	st := openStore(t)
	rec := &recorder{pace: 3}
	now := time.Date(2026, 10, 1, 9, 30, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	out := bot.NewOutbox(st, []bot.Platform{rec}, bot.OutboxOptions{Now: clock})
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		out.Enqueue(ctx, bot.Destination{Platform: "console", ChatID: "g1"}, bot.Message{Text: string(rune('a' + i))})
	}
	out.Enqueue(ctx, bot.Destination{Platform: "console", ChatID: "g2"}, bot.Message{Text: "x"})
	for i := 0; i < 3; i++ {
		out.Flush(ctx)
	}
	if got := strings.Join(rec.texts(), ""); got != "abcx" && got != "xabc" && got != "axbc" && got != "abxc" {
		// g2 is not held back by g1's limit; g1 stops at 3 a minute.
		if len(got) != 4 || strings.Count(got, "x") != 1 || strings.Replace(got, "x", "", 1) != "abc" {
			t.Fatalf("within the first minute got %q, want a,b,c for g1 and x for g2", got)
		}
	}
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	for i := 0; i < 3; i++ {
		out.Flush(ctx)
	}
	got := strings.Replace(strings.Join(rec.texts(), ""), "x", "", 1)
	if got != "abcde" {
		t.Errorf("after a minute got %q, want abcde (nothing dropped, order kept)", got)
	}
	depth, _, _ := st.Outbox().Stats(ctx)
	if depth != 0 {
		t.Errorf("outbox depth %d after delivery", depth)
	}
}

func TestClosestCountsSwappedLetters(t *testing.T) {
	cmds := bot.NewCommands()
	for _, n := range []string{"kb", "kpi", "help", "report"} {
		cmds.Add(&bot.Command{Name: n, Role: bot.RoleAgent})
	}
	for typo, want := range map[string]string{"kip": "kpi", "pki": "kpi", "hlep": "help", "reprot": "report", "kb": "kb"} {
		if got := cmds.ClosestFor(typo, bot.RoleAgent); got != want {
			t.Errorf("ClosestFor(%q) = %q, want %q", typo, got, want)
		}
	}
}
