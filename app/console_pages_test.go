package app_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/knowledge"
)

func TestQACommandTyposFromTheConsole(t *testing.T) {
	r := qaStart(t)
	qaMust(t, "/kip", r.reply("presale", "xiaowang", "/kip"), "你是不是想用 /kpi ？")
	qaMust(t, "/ kpi", r.reply("presale", "xiaowang", "/ kpi"), "小王 的 KPI")
	got := r.reply("presale", "xiaowang", "@班组助手 帮助")
	qaMust(t, "@班组助手 帮助", got, "可用命令", "你的角色：客服", "/kpi")
	got = r.reply("presale", "xiaowang", "/help 报表")
	qaMust(t, "agent /help 报表", got, "/report（/报表）", "仅限主管及以上角色使用", "你是客服")
	qaMustNot(t, "agent /help 报表", got, "/a ？")
}

// supCall sends a JSON request to a supervisor page endpoint.
func (r *running) supCall(method, path string, body any) (int, map[string]any) {
	r.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, r.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

func TestConsolePagesCheckTheSelectedMember(t *testing.T) {
	r := startSeeded(t, demoConfig(t), appOptionsNow(), nil)
	for _, c := range []struct {
		path string
		code int
		msg  string
	}{
		{"/console/api/sup/kpi?user_id=xiaowang", 403, "小王 是客服：主管页面只对主管和经理开放"},
		{"/console/api/sup/review?user_id=nobody", 403, "没有这个成员"},
		{"/console/api/sup/review?user_id=chen&team_id=aftersale", 403, "陈主管 不是这个团队的主管"},
		{"/console/api/sup/kpi?user_id=chen&month=2026-13", 400, "月份格式"},
		{"/console/api/sup/awards?user_id=chen", 200, ""},
		{"/console/api/sup/review?user_id=zhao&team_id=aftersale", 200, ""}, // a manager sees every team
	} {
		code, body := r.supCall("GET", c.path, nil)
		if code != c.code || c.msg != "" && !strings.Contains(body["error"].(string), c.msg) {
			t.Errorf("%s: %d %v", c.path, code, body)
		}
	}
	// Commands from a page run as the member, with the chat's role checks.
	code, body := r.supCall("POST", "/console/api/sup/command", map[string]string{"user_id": "xiaowang", "team_id": "presale", "text": "/approve 1"})
	if code != 403 {
		t.Errorf("an agent's /approve from a page: %d %v", code, body)
	}
	code, body = r.supCall("POST", "/console/api/sup/command", map[string]string{"user_id": "chen", "text": "通过"})
	if code != 400 {
		t.Errorf("plain text from a page: %d %v", code, body)
	}
}

func TestConsolePagesApproveRejectAndRevokeThroughTheChat(t *testing.T) {
	r := startSeeded(t, demoConfig(t), appOptionsNow(), nil)
	_, q := r.supCall("GET", "/console/api/sup/review?user_id=chen", nil)
	entries := q["entries"].([]any)
	if len(entries) < 2 {
		t.Fatalf("the demo has %d pending submissions, want 2 or more", len(entries))
	}
	first, second := entries[0].(map[string]any), entries[1].(map[string]any)
	id1, id2 := int64(first["id"].(float64)), int64(second["id"].(float64))
	run := func(text string) {
		t.Helper()
		code, body := r.supCall("POST", "/console/api/sup/command", map[string]string{"user_id": "chen", "team_id": "presale", "text": text})
		if code != 200 {
			t.Fatalf("%s: %d %v", text, code, body)
		}
		r.waitBot("presale", int64(body["id"].(float64)), "chen")
	}
	run("/approve " + itoa(id1) + " 改过的答案：以页面为准")
	run("/reject " + itoa(id2) + " 与已有条目重复")
	svc := r.app.KnowledgeService()
	e1, _ := svc.Get(t.Context(), "presale", id1)
	e2, _ := svc.Get(t.Context(), "presale", id2)
	if e1.State != knowledge.Approved || !strings.Contains(e1.Answer, "以页面为准") || !e1.Edited || e1.History[len(e1.History)-1].By != "chen" {
		t.Errorf("approved from the page: %+v", e1)
	}
	if e2.State != knowledge.Rejected || e2.Reason != "与已有条目重复" {
		t.Errorf("rejected from the page: %+v", e2)
	}
	// The team chat shows the command as chen's message, as if typed there.
	var page struct{ Messages []message }
	r.get("/console/api/messages?chat_id=presale", &page)
	found := false
	for _, m := range page.Messages {
		found = found || m.From == "chen" && strings.HasPrefix(m.Text, "/approve "+itoa(id1))
	}
	if !found {
		t.Error("the page's /approve is not in the team chat")
	}

	// The awards ledger: revoking goes through /revoke and is shown revoked.
	_, ledger := r.supCall("GET", "/console/api/sup/awards?user_id=chen", nil)
	var seq int64
	for _, x := range ledger["entries"].([]any) {
		e := x.(map[string]any)
		if e["kind"] == "特别奖" {
			seq = int64(e["seq"].(float64))
		}
	}
	if seq == 0 {
		t.Fatalf("no special award in the demo ledger: %v", ledger)
	}
	run("/revoke " + itoa(seq) + " 录入有误")
	st, _ := awards.Load(t.Context(), r.app.Store)
	if rv := st.Revocation(seq); rv == nil || rv.Reason != "录入有误" {
		t.Fatalf("award %d not revoked: %+v", seq, rv)
	}
	_, ledger = r.supCall("GET", "/console/api/sup/awards?user_id=chen", nil)
	for _, x := range ledger["entries"].([]any) {
		if e := x.(map[string]any); int64(e["seq"].(float64)) == seq && e["revoked"] != "录入有误" {
			t.Errorf("ledger row after revoking: %v", e)
		}
	}
}

func TestConsolePagesLessonBankExportAndImport(t *testing.T) {
	r := startSeeded(t, demoConfig(t), appOptionsNow(), nil)
	_, before := r.supCall("GET", "/console/api/sup/lessons?user_id=chen", nil)
	n := len(before["lessons"].([]any))
	resp, err := http.Get(r.srv.URL + "/console/api/sup/lessons/export?user_id=chen")
	if err != nil {
		t.Fatal(err)
	}
	yamlData, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "%E5%BE%AE") || !strings.Contains(string(yamlData), "topic:") {
		t.Fatalf("export: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Disposition"), yamlData)
	}
	if resp, _ := http.Get(r.srv.URL + "/console/api/sup/lessons/export?user_id=xiaowang"); resp.StatusCode != 403 {
		t.Errorf("an agent exported the bank: %d", resp.StatusCode)
	}
	add := "lessons:\n  - id: Z99\n    topic: 页面导入的课程\n    category: 测试\n    knowledge: 知识点\n    case: 一个案例\n    questions:\n      - id: Z99-1\n        type: truefalse\n        text: 页面导入可用\n        answer: [对]\n        explanation: 页面可以导入题库\n"
	code, body := r.supCall("POST", "/console/api/sup/lessons/import", map[string]string{"user_id": "chen", "name": "new.yaml",
		"data": base64.StdEncoding.EncodeToString([]byte(add))})
	if code != 200 {
		t.Fatalf("import: %d %v", code, body)
	}
	_, after := r.supCall("GET", "/console/api/sup/lessons?user_id=chen", nil)
	if got := len(after["lessons"].([]any)); got != n+1 {
		t.Errorf("lessons after import: %d, want %d", got, n+1)
	}
	code, body = r.supCall("POST", "/console/api/sup/lessons/import", map[string]string{"user_id": "chen", "name": "bad.yaml",
		"data": base64.StdEncoding.EncodeToString([]byte("lessons:\n  - id: Z98\n    topic: 没有题目\n"))})
	if code != 422 || body["error"] == "" {
		t.Errorf("a bad file: %d %v", code, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// appOptionsNow runs on the KPI tests' fixed clock.
func appOptionsNow() app.Options {
	now := kpiClock()
	return app.Options{Now: func() time.Time { return now }}
}

// waitBot waits for the bot's answer after message id in chat.
func (r *running) waitBot(chat string, id int64, viewer ...string) string {
	r.t.Helper()
	who := ""
	if len(viewer) > 0 {
		who = "&user_id=" + viewer[0] // answers shown to that member only count too
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var page struct{ Messages []message }
		r.get(fmt.Sprintf("/console/api/messages?chat_id=%s&after=%d%s", chat, id, who), &page)
		for _, m := range page.Messages {
			if m.From == "bot" {
				return m.Markdown + m.Text
			}
		}
	}
	r.t.Fatalf("no answer after message %d in %s", id, chat)
	return ""
}

func TestConsolePagesNeedTheConsoleToken(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Console.Token = "s3cret"
	r := startSeeded(t, cfg, appOptionsNow(), nil)
	for _, p := range []string{"/console/api/sup/kpi?user_id=chen", "/console/api/sup/lessons/export?user_id=chen"} {
		resp, err := http.Get(r.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d", p, resp.StatusCode)
		}
		req, _ := http.NewRequest("GET", r.srv.URL+p, nil)
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s with the token: %d", p, resp.StatusCode)
		}
	}
}

func TestConsoleDashboardFigures(t *testing.T) {
	r := startSeeded(t, demoConfig(t), appOptionsNow(), nil)
	var d app.SupKPI
	if code := r.get("/console/api/sup/kpi?user_id=chen&month=2026-10", &d); code != 200 {
		t.Fatalf("dashboard: %d", code)
	}
	if d.Team.ID != "presale" || d.From != "2026-10-01" || d.To != "2026-10-31" || len(d.Days) != 31 || len(d.TeamTargets) == 0 {
		t.Fatalf("dashboard: %+v", d)
	}
	agents, misses := 0, 0
	for _, a := range d.Agents {
		if a.Days > 0 {
			agents++
		}
		n := 0
		for _, f := range a.Figures {
			if f.Value != nil && !f.OK {
				n++
			}
		}
		if n != a.Misses || a.Meets != (n == 0 && a.Days > 0) {
			t.Errorf("%s: %d misses counted, figures show %d (meets %v)", a.Name, a.Misses, n, a.Meets)
		}
		misses += n
	}
	if agents != 8 || misses == 0 {
		t.Errorf("agents with data %d, misses %d", agents, misses)
	}
	// The team's daily figures are checked against the team targets.
	for _, day := range d.Days {
		for _, tt := range d.TeamTargets {
			f, ok := day.Figures[tt.Rule]
			if !ok || f.Value == nil || f.Target != tt.Target {
				t.Fatalf("%s %s: %+v", day.Date, tt.Rule, f)
			}
		}
	}
	// A manager looks at any team.
	if code := r.get("/console/api/sup/kpi?user_id=zhao&team_id=aftersale&month=2026-10", &d); code != 200 || d.Team.ID != "aftersale" {
		t.Errorf("manager's dashboard of 售后组: %d %+v", code, d.Team)
	}
}
