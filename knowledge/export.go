package knowledge

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// ExportHeader is the column layout an AI customer-service robot's knowledge
// base imports.
var ExportHeader = []string{"标准问题", "相似问题", "答案", "分类", "状态", "贡献者", "更新时间"}

// Export states as the robot reads them.
const (
	ExportEnabled  = "启用"
	ExportDisabled = "停用"
)

// ExportRows turns entries into rows under ExportHeader: approved entries as
// enabled, retired ones as disabled when includeRetired, nothing else.
// Similar questions share one cell, one per line. Times are shown in loc.
func ExportRows(entries []*Entry, includeRetired bool, loc *time.Location) [][]string {
	if loc == nil {
		loc = time.Local
	}
	var rows [][]string
	for _, e := range entries {
		status := ExportEnabled
		switch {
		case e.State == Approved:
		case e.State == Retired && includeRetired:
			status = ExportDisabled
		default:
			continue
		}
		rows = append(rows, []string{e.Question, strings.Join(e.Similar, "\n"), e.Answer, e.Category(), status,
			e.SubmitterName, e.Updated.In(loc).Format("2006-01-02 15:04")})
	}
	return rows
}

// SafeCell neutralises text a spreadsheet would run as a formula: a cell
// starting (after blanks) with = + - @, their full-width forms, a tab or a
// carriage return gets a leading apostrophe.
func SafeCell(s string) string {
	t := strings.TrimLeft(s, " \u3000")
	if t == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(t)
	switch r {
	case '=', '+', '-', '@', '＝', '＋', '－', '＠', '\t', '\r':
		return "'" + s
	}
	if r, _ := utf8.DecodeRuneInString(s); r == '\t' || r == '\r' {
		return "'" + s
	}
	return s
}

// WriteCSV writes the header and rows as UTF-8 CSV with a byte-order mark (so
// Excel reads the Chinese), every cell neutralised.
func WriteCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader); err != nil {
		return err
	}
	rec := make([]string, len(ExportHeader))
	for _, row := range rows {
		for i := range rec {
			rec[i] = SafeCell(row[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Sheet is one worksheet of an XLSX export.
type Sheet struct {
	Name string // at most 31 characters; a team's name
	Rows [][]string
}

// WriteXLSX writes one worksheet per sheet, each with the header, every cell
// a neutralised string.
func WriteXLSX(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	if len(sheets) == 0 {
		sheets = []Sheet{{Name: "知识库"}}
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, sh := range sheets {
		name := sheetName(sh.Name, i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		for c, width := range []float64{30, 30, 60, 12, 8, 10, 18} {
			if err := sw.SetColWidth(c+1, c+1, width); err != nil {
				return err
			}
		}
		head := make([]any, len(ExportHeader))
		for c, h := range ExportHeader {
			head[c] = excelize.Cell{Value: h, StyleID: bold}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for r, row := range sh.Rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = excelize.Cell{Value: SafeCell(v), StyleID: wrap}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// sheetName makes a valid, unique worksheet name.
func sheetName(name string, i int, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		name = fmt.Sprintf("知识库%d", i+1)
	}
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	if used[strings.ToLower(name)] {
		name = fmt.Sprintf("%s_%d", name, i+1)
	}
	used[strings.ToLower(name)] = true
	return name
}
