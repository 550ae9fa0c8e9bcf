package reports

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/kpi"
)

// anchor is one drawing's cell box: from (col, row) to (col, row).
type anchor struct {
	From cellRef `xml:"from"`
	To   cellRef `xml:"to"`
}

type cellRef struct {
	Col int `xml:"col"`
	Row int `xml:"row"`
}

// chartAnchors reads the cell anchors of every drawing in the workbook.
func chartAnchors(t *testing.T, data []byte) map[string][]anchor {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]anchor{}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/drawings/drawing") || !strings.HasSuffix(zf.Name, ".xml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		var d struct {
			Anchors []anchor `xml:"twoCellAnchor"`
		}
		if err := xml.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = d.Anchors
	}
	return out
}

// twoTeams is a month of demo data for two teams.
func twoTeams(t *testing.T) (*Builder, *Request) {
	repo, _ := newRepo(t)
	loc := time.FixedZone("CST", 8*3600)
	end := time.Date(2026, 10, 31, 0, 0, 0, 0, loc)
	team := presale()
	var agents []kpi.DemoAgent
	for _, m := range team.Members {
		if m.Agent {
			agents = append(agents, kpi.DemoAgent{ID: m.ID})
		}
	}
	second := Team{ID: "aftersale", Name: "售后组", Members: team.Members}
	for _, id := range []string{team.ID, second.ID} {
		if err := repo.PutBatch(context.Background(), kpi.DemoRecords(id, agents, end, 31)); err != nil {
			t.Fatal(err)
		}
	}
	return &Builder{KPI: repo}, &Request{Teams: []Team{team, second}, From: time.Date(2026, 10, 1, 0, 0, 0, 0, loc), To: end, Label: "2026年10月"}
}

func TestWorkbookChartsDoNotOverlapAndPrintSetUp(t *testing.T) {
	b, req := twoTeams(t)
	data, _, err := b.Bytes(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	// Four charts on 概览 (two per team), stacked without touching.
	for name, as := range chartAnchors(t, data) {
		if len(as) != 4 {
			t.Errorf("%s: %d charts, want 4", name, len(as))
		}
		for i := range as {
			for j := range as {
				a, c := as[i], as[j]
				if i == j || a.From.Col > c.To.Col || c.From.Col > a.To.Col {
					continue
				}
				// Same columns: one must end (its "to" row, with any offset
				// into that row) above the row the other starts on.
				if a.From.Row <= c.From.Row && a.To.Row >= c.From.Row {
					t.Errorf("%s: chart %d (rows %d-%d) reaches chart %d (from row %d)", name, i, a.From.Row, a.To.Row, j, c.From.Row)
				}
			}
		}
	}

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	titles := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo
		}
	}
	for _, sh := range Sheets {
		pl, err := f.GetPageLayout(sh)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 ||
			pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v, want landscape A4, one page wide", sh, pl)
		}
		props, err := f.GetSheetProps(sh)
		if err != nil {
			t.Fatal(err)
		}
		if props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: not set to fit the page", sh)
		}
		if !strings.HasPrefix(titles[sh], "'"+sh+"'!$") {
			t.Errorf("%s: repeated header rows %q", sh, titles[sh])
		}
	}
	if titles[SheetDaily] != "'每日数据'!$1:$1" || titles[SheetOverview] != "'概览'!$5:$5" {
		t.Errorf("header rows: %v", titles)
	}

	// 每日数据 has a column only for figures the data carries.
	rows, err := f.GetRows(SheetDaily)
	if err != nil {
		t.Fatal(err)
	}
	for c, title := range rows[0] {
		empty := true
		for _, r := range rows[1:] {
			if c < len(r) && r[c] != "" {
				empty = false
				break
			}
		}
		if empty {
			t.Errorf("每日数据 column %q is always empty", title)
		}
	}
	if len(rows[0]) >= 3+len(metrics) {
		t.Errorf("每日数据 keeps all %d figure columns though the demo lacks some: %v", len(metrics), rows[0])
	}
}

func TestWorkbookDayLabelsSkipped(t *testing.T) {
	for days, want := range map[int]int{2: 1, 8: 1, 9: 2, 31: 4} {
		if got := axisSkip(days); got != want {
			t.Errorf("axisSkip(%d) = %d, want %d", days, got, want)
		}
	}
}
