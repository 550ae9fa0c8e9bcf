package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
)

type fileEntry struct {
	ID       int64  `json:"id"`
	From     string `json:"from"`
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
	File     *struct {
		Name string `json:"name"`
		URL  string `json:"url"`
		Size int    `json:"size"`
	} `json:"file"`
}

// postID posts text and returns the message's id.
func (r *running) postID(chat, user, text string) int64 {
	r.t.Helper()
	code, body := r.post(chat, user, text)
	var posted struct{ ID int64 }
	if err := json.Unmarshal([]byte(body), &posted); code != http.StatusOK || err != nil || posted.ID == 0 {
		r.t.Fatalf("post %q: %d %s", text, code, body)
	}
	return posted.ID
}

// waitFile returns the first bot message with a file in chat after id, and
// the texts the bot said before it.
func (r *running) waitFile(chat string, after int64) (*fileEntry, []string) {
	r.t.Helper()
	var said []string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var page struct{ Messages []fileEntry }
		r.get(fmt.Sprintf("/console/api/messages?chat_id=%s&after=%d", chat, after), &page)
		said = said[:0]
		for i := range page.Messages {
			m := &page.Messages[i]
			if m.From != "bot" {
				continue
			}
			if m.File != nil {
				return m, said
			}
			said = append(said, m.Markdown+m.Text)
		}
	}
	r.t.Fatalf("no file in %s after message %d; bot said %q", chat, after, said)
	return nil, nil
}

// download fetches a console file and opens it as a workbook.
func (r *running) download(url string) *excelize.File {
	r.t.Helper()
	resp, err := http.Get(r.srv.URL + url)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != reports.ContentType {
		r.t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { f.Close() })
	return f
}

// overviewTeams lists the team names of a workbook's 概览 figures.
func overviewTeams(t *testing.T, f *excelize.File) map[string]int {
	t.Helper()
	rows, err := f.GetRows(reports.SheetOverview)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, row := range rows[5:] {
		if len(row) > 2 && row[1] == "接待人数" {
			out[row[0]]++
		}
	}
	return out
}

func TestReportThroughConsole(t *testing.T) {
	r := start(t, demoConfig(t))

	if got := r.ask("presale", "xiaowang", "/report"); !strings.Contains(got, "仅限主管") {
		t.Errorf("agent /report should be refused: %q", got)
	}
	if got := r.ask("presale", "chen", "/report 2026-13"); !strings.Contains(got, "用法：/report") {
		t.Errorf("a bad period should get the usage: %q", got)
	}
	if got := r.ask("presale", "chen", "/报表 2026-10-15 2026-10-01"); !strings.Contains(got, "用法：/report") || !strings.Contains(got, "晚于") {
		t.Errorf("a reversed range should be explained with the usage: %q", got)
	}
	if got := r.ask("presale", "chen", "/report all"); !strings.Contains(got, "只有经理") {
		t.Errorf("supervisor /report all should be refused: %q", got)
	}

	// A supervisor's /report: a notice to the supervisor alone, then the
	// workbook as a file for the group.
	mark := r.postID("presale", "chen", "/report")
	msg, said := r.waitFile("presale", mark)
	if len(said) != 0 {
		t.Errorf("the group sees more than the file: %q", said)
	}
	var page struct{ Messages []message }
	r.get(fmt.Sprintf("/console/api/messages?chat_id=presale&user_id=chen&after=%d", mark), &page)
	if len(page.Messages) == 0 || !strings.Contains(page.Messages[0].Markdown, "正在生成") {
		t.Errorf("banzu should tell 陈主管 it is working first: %+v", page.Messages)
	}
	if !strings.HasSuffix(msg.File.Name, ".xlsx") || !strings.Contains(msg.File.Name, "售前组") {
		t.Errorf("file name %q", msg.File.Name)
	}
	f := r.download(msg.File.URL)
	if got := strings.Join(f.GetSheetList(), ","); got != strings.Join(reports.Sheets, ",") {
		t.Errorf("sheets %s", got)
	}
	// The default period: 本月至今, or on the 1st the month just ended.
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if title, _ := f.GetCellValue(reports.SheetOverview, "A1"); !strings.Contains(title, "售前组") || !strings.Contains(title, period.Default(r.app.Now().In(shanghai), false).Label) {
		t.Errorf("title %q", title)
	}
	rows, _ := f.GetRows(reports.SheetAgents)
	if len(rows) != 2+8 { // note, header, the eight presale agents
		t.Errorf("客服明细 has %d rows, want 10", len(rows))
	}

	// One agent, last month.
	msg, _ = r.waitFile("presale", r.postID("presale", "chen", "/report 小王 上月"))
	f = r.download(msg.File.URL)
	rows, _ = f.GetRows(reports.SheetAgents)
	if len(rows) != 3 || rows[2][1] != "小王" {
		t.Errorf("/report 小王: 客服明细 %v", rows)
	}

	// Two dates: an inclusive range.
	from, to := r.app.Now().AddDate(0, 0, -20).Format(time.DateOnly), r.app.Now().AddDate(0, 0, -10).Format(time.DateOnly)
	msg, _ = r.waitFile("presale", r.postID("presale", "chen", "/report "+from+" "+to))
	if !strings.Contains(msg.File.Name, from+"_"+to) {
		t.Errorf("range file name %q", msg.File.Name)
	}

	// A manager's /report all: every team in one workbook.
	msg, _ = r.waitFile("presale", r.postID("presale", "zhao", "/report all 上月"))
	if teams := overviewTeams(t, r.download(msg.File.URL)); teams["售前组"] != 1 || teams["售后组"] != 1 {
		t.Errorf("/report all: teams on 概览 %v", teams)
	}

	// The monthly job: the manager's inbox gets last month's workbook.
	j, err := r.app.Jobs.Get("report-monthly")
	if err != nil {
		t.Fatal(err)
	}
	if j.DefaultSpec != "0 9 1 * *" || j.PerTeam {
		t.Errorf("monthly job spec %q per team %v", j.DefaultSpec, j.PerTeam)
	}
	if err := j.Fn(context.Background(), jobs.Run{Slot: r.app.Now()}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	msg, said = r.waitFile("inbox:zhao", 0)
	if len(said) == 0 || !strings.Contains(said[len(said)-1], "月度报表") {
		t.Errorf("inbox before the file: %q", said)
	}
	f = r.download(msg.File.URL)
	if teams := overviewTeams(t, f); len(teams) != 2 {
		t.Errorf("monthly workbook teams %v", teams)
	}
	if title, _ := f.GetCellValue(reports.SheetOverview, "A1"); !strings.Contains(title, "年") {
		t.Errorf("monthly title %q", title)
	}
	resp, err := http.Get(r.srv.URL + msg.File.URL + "x")
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("a wrong file name should be 404, got %d", resp.StatusCode)
		}
	}
}
