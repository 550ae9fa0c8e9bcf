package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/knowledge"
)

// The console in a real browser: headless Chromium (Debian's chromium)
// driven over the DevTools protocol. Without a browser these tests skip,
// unless BANZU_REQUIRE_BROWSER=1 (CI) makes that a failure. Screenshots go
// to BANZU_SCREENSHOTS when set (CI: docs/screenshots), else to a temporary
// folder.

func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("BANZU_REQUIRE_BROWSER") == "1" {
		t.Fatal("BANZU_REQUIRE_BROWSER=1 but no chromium found (apt-get install chromium fonts-noto-cjk)")
	}
	t.Skip("no chromium: browser tests skipped (set BANZU_REQUIRE_BROWSER=1 to require them)")
	return ""
}

// page is one browser tab on a running banzu.
type page struct {
	t   *testing.T
	ctx context.Context
	r   *running
}

func openBrowser(t *testing.T, r *running, width, height int64) *page {
	t.Helper()
	exe := findBrowser(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN"), chromedp.Env("LANG=zh_CN.UTF-8", "LANGUAGE=zh_CN:zh"),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	p := &page{t: t, ctx: ctx, r: r}
	var vp []chromedp.EmulateViewportOption
	if width < 600 {
		vp = append(vp, chromedp.EmulateMobile, chromedp.EmulateScale(1))
	}
	p.do(chromedp.EmulateViewport(width, height, vp...), chromedp.Navigate(r.srv.URL+"/"))
	p.wait(`document.querySelectorAll("#log .msg").length > 0`, "the demo's welcome message")
	return p
}

func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatal(err)
	}
}

// eval runs a JavaScript expression and decodes its value into T.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// wait polls a JavaScript condition until it holds (30 s at most: the
// machine may be busy, this is not a speed test).
func (p *page) wait(cond, what string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool]("!!("+cond+")", chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		p.t.Fatalf("waiting for %s (%s): %v", what, cond, err)
	}
}

// shot saves a PNG of the viewport as name.
func (p *page) shot(name string) {
	p.t.Helper()
	dir := os.Getenv("BANZU_SCREENSHOTS")
	if dir == "" {
		dir = p.t.TempDir()
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// selectUser picks who the page speaks as.
func (p *page) selectUser(id string) {
	p.t.Helper()
	eval[bool](p, fmt.Sprintf(`(() => { const s = document.querySelector("#user"); s.value = %q; s.dispatchEvent(new Event("change")); return s.value === %q; })()`, id, id))
}

// layoutOK checks the page fits the viewport: no sideways scroll, the input
// and send button fully visible.
func (p *page) layoutOK(width int64) {
	p.t.Helper()
	var got struct {
		ScrollW, InnerW, InnerH float64
		Send, Text              struct{ Left, Right, Top, Bottom float64 }
	}
	raw := eval[string](p, `JSON.stringify((() => {
		const r = s => { const b = document.querySelector(s).getBoundingClientRect(); return {Left: b.left, Right: b.right, Top: b.top, Bottom: b.bottom}; };
		return {ScrollW: document.documentElement.scrollWidth, InnerW: innerWidth, InnerH: innerHeight, Send: r("#send button"), Text: r("#text")};
	})())`)
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		p.t.Fatal(err)
	}
	if got.InnerW != float64(width) {
		p.t.Fatalf("viewport is %v px wide, want %d", got.InnerW, width)
	}
	if got.ScrollW > got.InnerW {
		p.t.Errorf("at %d px the page scrolls sideways: scrollWidth %v", width, got.ScrollW)
	}
	for name, b := range map[string]struct{ Left, Right, Top, Bottom float64 }{"send button": got.Send, "input": got.Text} {
		if b.Left < 0 || b.Right > got.InnerW || b.Top < 0 || b.Bottom > got.InnerH || b.Right-b.Left < 30 {
			p.t.Errorf("at %d px the %s is not fully visible: %+v", width, name, b)
		}
	}
}

// send types text into the box and submits it as the user would.
func (p *page) send(text string) {
	p.t.Helper()
	p.do(chromedp.SetValue(chromedp.CSS("#text"), text), chromedp.Click(chromedp.CSS("#send button")))
}

// lastBotText waits for a bot message after the n-th message and returns it.
func (p *page) botReplyAfter(n int, what string) string {
	p.t.Helper()
	cond := fmt.Sprintf(`Array.from(document.querySelectorAll("#log .msg")).slice(%d).some(m => m.classList.contains("bot"))`, n)
	p.wait(cond, what)
	return eval[string](p, fmt.Sprintf(`Array.from(document.querySelectorAll("#log .msg")).slice(%d).find(m => m.classList.contains("bot")).innerText`, n))
}

func (p *page) msgCount() int { return eval[int](p, `document.querySelectorAll("#log .msg").length`) }

func TestBrowserChatWide(t *testing.T) {
	r := startSeeded(t, demoConfig(t), app.Options{}, nil)
	p := openBrowser(t, r, 1280, 800)
	p.layoutOK(1280)

	// A command and its answer.
	n := p.msgCount()
	p.send("/whoami")
	reply := p.botReplyAfter(n, "the answer to /whoami")
	if !strings.Contains(reply, "陈主管") || !strings.Contains(reply, "主管") {
		t.Fatalf("/whoami answer: %q", reply)
	}
	// Roles read in Chinese in the selector.
	if opts := eval[string](p, `document.querySelector("#user").innerText`); !strings.Contains(opts, "（主管）") || strings.Contains(opts, "supervisor") {
		t.Errorf("member selector: %q", opts)
	}
	// Short bubbles stay on one line on a wide screen.
	lines := eval[int](p, `(() => { const b = Array.from(document.querySelectorAll("#log .msg.me .bub p")).pop(); return b.getClientRects().length && Math.round(b.getBoundingClientRect().height / parseFloat(getComputedStyle(b).lineHeight)); })()`)
	if lines != 1 {
		t.Errorf("the /whoami bubble wraps onto %d lines", lines)
	}
	p.shot("console-1280.png")

	// A message over the limit: the error stays through later polls and the
	// text stays in the box.
	long := strings.Repeat("长", 4001)
	p.send(long)
	p.wait(`document.querySelector("#err").classList.contains("show")`, "the too-long error")
	n = p.msgCount()
	if code, body := r.post("presale", "xiaowang", "大家好"); code != 200 {
		t.Fatalf("post: %d %s", code, body)
	}
	p.wait(fmt.Sprintf(`document.querySelectorAll("#log .msg").length > %d`, n), "a later message to be polled")
	if msg := eval[string](p, `document.querySelector("#err.show span") ? document.querySelector("#err span").textContent : ""`); !strings.Contains(msg, "消息太长") {
		t.Errorf("the error did not stay after a poll: %q", msg)
	}
	if v := eval[int](p, `document.querySelector("#text").value.length`); v != 4001 {
		t.Errorf("the text box holds %d characters after the refusal, want 4001", v)
	}
	p.do(chromedp.Click(chromedp.CSS("#err button")))
	if eval[bool](p, `document.querySelector("#err").classList.contains("show")`) {
		t.Error("the error did not close")
	}

	// The workbook: /report posts a file whose link downloads an xlsx.
	n = p.msgCount()
	eval[bool](p, `(document.querySelector("#text").value = "") === ""`)
	p.send("/report")
	p.wait(fmt.Sprintf(`Array.from(document.querySelectorAll("#log .msg")).slice(%d).some(m => m.querySelector("a.file"))`, n), "the workbook")
	href := eval[string](p, `Array.from(document.querySelectorAll("#log a.file")).pop().getAttribute("href")`)
	if strings.ContainsAny(href, "售组") || !strings.Contains(href, "%E5") {
		t.Errorf("file link is not percent-encoded: %s", href)
	}
	dl := eval[string](p, `fetch(Array.from(document.querySelectorAll("#log a.file")).pop().href).then(r => r.arrayBuffer().then(b =>
		r.status + " " + r.headers.get("Content-Disposition") + " " + String.fromCharCode.apply(null, new Uint8Array(b.slice(0, 2))) + " " + b.byteLength))`)
	if !strings.HasPrefix(dl, "200 attachment") || !strings.Contains(dl, ".xlsx") || !strings.Contains(dl, " PK ") {
		t.Fatalf("workbook download: %s", dl)
	}
}

func TestBrowserChatPhone(t *testing.T) {
	r := startSeeded(t, demoConfig(t), app.Options{}, nil)
	p := openBrowser(t, r, 390, 844)
	p.layoutOK(390)
	// The chat list is a menu: hidden until ☰ opens it.
	if right := eval[float64](p, `document.querySelector("#side").getBoundingClientRect().right`); right > 0 {
		t.Errorf("the chat list takes %v px of a phone screen", right)
	}
	if w := eval[float64](p, `document.querySelector("#log").getBoundingClientRect().width`); w < 380 {
		t.Errorf("the chat is %v px wide on a 390 px screen", w)
	}
	n := p.msgCount()
	p.send("/help")
	if reply := p.botReplyAfter(n, "the answer to /help"); !strings.Contains(reply, "/report") {
		t.Fatalf("/help answer: %q", reply)
	}
	p.layoutOK(390)
	p.shot("console-390.png")
	p.do(chromedp.Click(chromedp.CSS("#menu")))
	p.wait(`document.querySelector("#side").getBoundingClientRect().left >= 0`, "the chat menu to open")
	p.do(chromedp.Click(chromedp.CSS(`.chat[data-id="aftersale"]`)))
	p.wait(`document.querySelector("#title").textContent === "售后组" && document.querySelector("#side").getBoundingClientRect().right <= 0`, "the 售后组 chat with the menu closed")
	p.layoutOK(390)
}

func TestBrowserSupervisorPages(t *testing.T) {
	r := startSeeded(t, demoConfig(t), app.Options{}, nil)
	p := openBrowser(t, r, 1280, 900)

	// An agent sees no supervisor pages.
	p.selectUser("xiaowang")
	if n := eval[int](p, `document.querySelectorAll("#tabs button").length`); n != 0 {
		t.Errorf("an agent sees %d page tabs", n)
	}
	p.selectUser("chen")

	// The dashboard: charts drawn in the page, misses marked.
	p.do(chromedp.Click(chromedp.CSS(`#tabs button[data-tab="kpi"]`)))
	p.wait(`document.querySelectorAll("#page svg polyline").length > 0 && document.querySelector("#agents")`, "the KPI dashboard")
	if n := eval[int](p, `document.querySelectorAll("#agents td.miss").length`); n == 0 {
		t.Error("the dashboard marks no misses (the demo has some)")
	}
	if sw := eval[float64](p, `document.documentElement.scrollWidth - innerWidth`); sw > 0 {
		t.Errorf("the dashboard scrolls sideways by %v px", sw)
	}
	p.shot("dashboard-1280.png")
	// Another month from the month list.
	prev := eval[string](p, `(() => { const s = document.querySelector("#month"); const v = s.options[s.selectedIndex + 1].value; s.value = v; s.dispatchEvent(new Event("change", {bubbles: true})); return v; })()`)
	p.wait(`document.querySelector("#page .bar") && document.querySelector("#page .bar").textContent.includes("`+prev+`-01 至") && document.querySelector("#month").value === "`+prev+`"`, "the dashboard of "+prev)

	// The review queue: approving goes through /approve in the team chat.
	p.do(chromedp.Click(chromedp.CSS(`#tabs button[data-tab="review"]`)))
	p.wait(`document.querySelectorAll("#page .item[data-id]").length > 0`, "the review queue")
	id := eval[string](p, `document.querySelector("#page .item[data-id]").dataset.id`)
	p.do(chromedp.Click(chromedp.CSS(`#page .item[data-id="` + id + `"] button.approve`)))
	p.wait(`document.querySelector("#page .note") && !document.querySelector('#page .item[data-id="`+id+`"]')`, "the approval and its answer")
	if note := eval[string](p, `document.querySelector("#page .note").innerText`); !strings.Contains(note, "#"+id) {
		t.Errorf("answer shown after approving: %q", note)
	}
	var num int64
	fmt.Sscan(id, &num)
	e, err := r.app.KnowledgeService().Get(context.Background(), "presale", num)
	if err != nil {
		t.Fatal(err)
	}
	if e.State != knowledge.Approved {
		t.Fatalf("entry #%s is %s after approving on the page", id, e.State.Label())
	}
	p.shot("review-1280.png")
}
