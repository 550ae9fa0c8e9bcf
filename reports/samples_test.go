package reports

import (
	"archive/zip"
	"bytes"
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestWorkbookMatchesSampleMonth(t *testing.T) {
	repo, _ := newRepo(t)
	e := importSamples(t, repo)
	from, to := october()
	team := presale()
	b := &Builder{KPI: repo, Now: func() time.Time { return time.Date(2026, 11, 1, 9, 0, 0, 0, from.Location()) }}
	f := build(t, b, &Request{Teams: []Team{team}, From: from, To: to, Label: "2026年10月"})

	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(Sheets, ",") {
		t.Fatalf("sheets %v, want %v", got, Sheets)
	}
	byName := map[string]string{}
	for _, m := range team.Members {
		byName[m.Name] = m.ID
	}

	// 概览: the team's month, each figure against the hand-computed one.
	idx, rows := sheetTable(t, f, SheetOverview, overviewHeader)
	seen := map[string]bool{}
	for i, r := range rows {
		if cell(r, idx["团队"]) != "售前组" || cell(r, idx["指标"]) == "" {
			continue
		}
		title := cell(r, idx["指标"])
		for fig, tt := range figureTitles {
			if tt == title {
				near(t, "概览 "+title, cell(r, idx["实际"]), e.Month["TEAM"][fig])
				seen[fig] = true
			}
		}
		ref := "C" + strconv.Itoa(overviewHeader+1+i)
		status := cell(r, idx["达标情况"])
		switch title {
		case "满意率": // 92.7% against the team's 92%
			near(t, "概览 满意率目标", cell(r, idx["目标"]), 0.92)
			if !strings.HasPrefix(status, "✓") || isRed(t, f, SheetOverview, ref) {
				t.Errorf("满意率 should meet the team target: %q", status)
			}
		case "首次响应时间": // 24.3 s against the team's 15 s
			if !strings.HasPrefix(status, "✗") || !isRed(t, f, SheetOverview, ref) {
				t.Errorf("首次响应时间 should miss the team target, in red: %q", status)
			}
		}
	}
	for fig := range figureTitles {
		if !seen[fig] {
			t.Errorf("概览 has no row for %s", figureTitles[fig])
		}
	}

	// 客服明细: each agent's month, misses in red, ranks by score.
	idx, rows = sheetTable(t, f, SheetAgents, 2)
	agents := 0
	for i, r := range rows {
		name := cell(r, idx["客服"])
		want, ok := e.Month[name]
		if !ok || name == "TEAM" {
			t.Errorf("客服明细 row for %q", name)
			continue
		}
		agents++
		for fig, title := range figureTitles {
			near(t, name+" "+title, cell(r, idx[title]), want[fig])
		}
		level := "agent"
		for _, m := range team.Members {
			if m.Name == name {
				level = m.Level
			}
		}
		// Agents: first response ≤ 20 s; seniors: satisfaction ≥ 95%.
		col, _ := excelize.ColumnNumberToName(idx["首次响应时间"] + 1)
		if red := isRed(t, f, SheetAgents, col+strconv.Itoa(3+i)); red != (want["FirstResp"] > 20) {
			t.Errorf("%s first response %.1f: red = %v", name, want["FirstResp"], red)
		}
		col, _ = excelize.ColumnNumberToName(idx["满意率"] + 1)
		limit := 0.90
		if level == "senior" {
			limit = 0.95
		}
		if red := isRed(t, f, SheetAgents, col+strconv.Itoa(3+i)); red != (want["Satisfaction"] < limit) {
			t.Errorf("%s (%s) satisfaction %.3f: red = %v", name, level, want["Satisfaction"], red)
		}
		if want["BadRate"] >= 0.02 && cell(r, idx["达标情况"]) == "达标" {
			t.Errorf("%s has a bad-review rate of %.3f but is marked 达标", name, want["BadRate"])
		}
	}
	if agents != len(e.Agents)-1 {
		t.Errorf("客服明细 has %d agents, want %d", agents, len(e.Agents)-1)
	}
	ranks := map[int]float64{}
	for i, r := range rows {
		rk, err1 := strconv.Atoi(cell(r, idx["排名"]))
		sc, err2 := strconv.ParseFloat(cell(r, idx["综合得分"]), 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("rank %q score %q", cell(r, idx["排名"]), cell(r, idx["综合得分"]))
		}
		ranks[rk] = sc
		// The first column is 排名: the sheet reads top down (QA: it was in
		// roster order, 8, 1, 3, 5 …).
		if rk != i+1 {
			t.Errorf("客服明细 row %d has rank %d", i+1, rk)
		}
	}
	for i := 1; i <= agents; i++ {
		if _, ok := ranks[i]; !ok {
			t.Fatalf("ranks %v are not 1..%d", ranks, agents)
		}
		if i > 1 && ranks[i] > ranks[i-1] {
			t.Errorf("rank %d scores %.2f, above rank %d's %.2f", i, ranks[i], i-1, ranks[i-1])
		}
	}

	// 每日数据: one row per agent-day; the columns add up to the month.
	idx, rows = sheetTable(t, f, SheetDaily, 1)
	if len(rows) != 248 {
		t.Errorf("每日数据 has %d rows, want 248 agent-days", len(rows))
	}
	var served, sales float64
	for _, r := range rows {
		s, _ := strconv.ParseFloat(cell(r, idx["接待人数"]), 64)
		y, _ := strconv.ParseFloat(cell(r, idx["销售额"]), 64)
		served += s
		sales += y
	}
	near(t, "每日数据 接待人数 sum", strconv.FormatFloat(served, 'f', -1, 64), e.Month["TEAM"]["Served"])
	if math.Abs(sales-e.Month["TEAM"]["Sales"]) > 0.005 {
		t.Errorf("每日数据 销售额 sum %.2f, want %.2f", sales, e.Month["TEAM"]["Sales"])
	}
	if d, _ := f.GetCellValue(SheetDaily, "A2"); d != "2026-10-01" {
		t.Errorf("first day shows as %q", d)
	}

	// Layout: frozen headers, filters, widths, formats, charts.
	for _, s := range Sheets[1:] {
		p, err := f.GetPanes(s)
		if err != nil || !p.Freeze {
			t.Errorf("%s: header not frozen (%v)", s, err)
		}
		if tbls, err := f.GetTables(s); err != nil || len(tbls) != 1 {
			t.Errorf("%s: tables %v %v", s, tbls, err)
		}
	}
	if w, _ := f.GetColWidth(SheetAgents, "B"); w < 10 {
		t.Errorf("客服 column width %v", w)
	}
	if v, _ := f.GetCellValue(SheetAgents, "A3"); v == "" {
		t.Error("客服明细 A3 is empty")
	}
	charts := 0
	zr, _ := zip.NewReader(bytes.NewReader(mustBytes(t, f)), int64(len(mustBytes(t, f))))
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 2 {
		t.Errorf("%d charts, want the two trend charts", charts)
	}
	// Formatted, the figures read the way a manager expects.
	idx, rows = sheetTable(t, f, SheetOverview, overviewHeader)
	for i, r := range rows {
		ref := "C" + strconv.Itoa(overviewHeader+1+i)
		shown, _ := f.GetCellValue(SheetOverview, ref)
		switch cell(r, idx["指标"]) {
		case "满意率":
			if shown != "92.7%" {
				t.Errorf("满意率 shows %q", shown)
			}
		case "销售额":
			if shown != "¥452,756.85" {
				t.Errorf("销售额 shows %q", shown)
			}
		case "首次响应时间":
			if shown != "24.3秒" {
				t.Errorf("首次响应时间 shows %q", shown)
			}
		}
	}
	// No provider: the extra sheets say so.
	for _, s := range []string{SheetLessons, SheetKnowledge, SheetAwards} {
		if v, _ := f.GetCellValue(s, "A3"); v != "暂无数据" {
			t.Errorf("%s A3 = %q, want 暂无数据", s, v)
		}
	}
}

func TestWorkbookOneAgent(t *testing.T) {
	repo, _ := newRepo(t)
	e := importSamples(t, repo)
	from, to := october()
	f := build(t, &Builder{KPI: repo}, &Request{Teams: []Team{presale()}, From: from, To: to, Label: "2026年10月", Agent: "aqiang"})
	idx, rows := sheetTable(t, f, SheetAgents, 2)
	if len(rows) != 1 || cell(rows[0], idx["客服"]) != "阿强" {
		t.Fatalf("客服明细 rows %v", rows)
	}
	near(t, "阿强 满意率", cell(rows[0], idx["满意率"]), e.Month["阿强"]["Satisfaction"])
	if rk, _ := strconv.Atoi(cell(rows[0], idx["排名"])); rk < 1 || rk > 8 {
		t.Errorf("阿强's rank %q should be within the team of 8", cell(rows[0], idx["排名"]))
	}
	idx, rows = sheetTable(t, f, SheetOverview, overviewHeader)
	for _, r := range rows {
		if cell(r, idx["指标"]) == "接待人数" {
			near(t, "概览 阿强 接待人数", cell(r, idx["实际"]), e.Month["阿强"]["Served"])
		}
		if cell(r, idx["指标"]) == "满意率" && !strings.HasPrefix(cell(r, idx["达标情况"]), "✗") {
			t.Errorf("阿强 is senior (≥ 95%%): 满意率 %.3f should miss", e.Month["阿强"]["Satisfaction"])
		}
	}
	_, rows = sheetTable(t, f, SheetDaily, 1)
	if len(rows) != 31 {
		t.Errorf("每日数据 for one agent: %d rows, want 31", len(rows))
	}
}

func TestWorkbookNoData(t *testing.T) {
	repo, _ := newRepo(t)
	from, to := october()
	_, _, err := (&Builder{KPI: repo}).Bytes(context.Background(), &Request{Teams: []Team{presale()}, From: from, To: to, Label: "x"})
	if err != ErrNoData {
		t.Fatalf("err = %v, want ErrNoData", err)
	}
}

// TestDumpSampleWorkbook writes the sample month's workbook to
// $REPORTS_DUMP for a look in a spreadsheet program.
func TestDumpSampleWorkbook(t *testing.T) {
	out := os.Getenv("REPORTS_DUMP")
	if out == "" {
		t.Skip("set REPORTS_DUMP=file.xlsx to write the sample workbook")
	}
	repo, _ := newRepo(t)
	importSamples(t, repo)
	from, to := october()
	data, _, err := (&Builder{KPI: repo}).Bytes(context.Background(), &Request{Teams: []Team{presale()}, From: from, To: to, Label: "2026年10月"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
