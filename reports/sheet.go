package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// col is one column of a streamed sheet.
type col struct {
	title string
	width float64
}

// table streams one sheet: an optional title line, a frozen header row, rows,
// and an Excel table over header and rows (which gives the filter buttons).
type table struct {
	f      *excelize.File
	sheet  string
	sw     *excelize.StreamWriter
	st     *styles
	cols   []col
	first  int // header row
	row    int // last row written
	name   string
	values []any // reused row buffer
}

// newTable starts a sheet. title and note, when set, take the first rows
// above the header.
func newTable(f *excelize.File, st *styles, sheet, tableName, title, note string, cols []col) (*table, error) {
	first := 1
	if title != "" {
		first++
	}
	if note != "" {
		first++
	}
	// Before the stream writer: it writes the sheet's properties first.
	if err := printSetup(f, sheet, first); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	t := &table{f: f, sheet: sheet, sw: sw, st: st, cols: cols, name: tableName, values: make([]any, len(cols))}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	t.first = first
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: t.first, TopLeftCell: fmt.Sprintf("A%d", t.first+1), ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if title != "" {
		if err := t.line(excelize.Cell{StyleID: st.title, Value: title}); err != nil {
			return nil, err
		}
	}
	if note != "" {
		if err := t.line(excelize.Cell{StyleID: st.subtitle, Value: note}); err != nil {
			return nil, err
		}
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: c.title}
	}
	if err := t.add(hdr); err != nil {
		return nil, err
	}
	return t, nil
}

// line writes a one-cell row.
func (t *table) line(c excelize.Cell) error {
	return t.add([]any{c})
}

// add writes the next row.
func (t *table) add(values []any) error {
	t.row++
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, values)
}

// rowBuf returns the cleared row buffer for the next row.
func (t *table) rowBuf() []any {
	clear(t.values)
	return t.values
}

// empty writes the one "暂无数据" row of a sheet without data.
func (t *table) empty(msg string) error {
	if msg == "" {
		msg = "暂无数据"
	}
	v := t.rowBuf()
	v[0] = excelize.Cell{StyleID: t.st.note, Value: msg}
	return t.add(v)
}

// finishRows finishes a table of n rows; one without rows says 暂无数据.
func (t *table) finishRows(n int) error {
	if n == 0 {
		if err := t.empty(""); err != nil {
			return err
		}
	}
	return t.finish()
}

// finish adds the table (filters) over the rows written and flushes.
func (t *table) finish() error {
	last := max(t.row, t.first+1)
	ref, err := excelize.CoordinatesToCellName(len(t.cols), last)
	if err != nil {
		return err
	}
	show := true
	if err := t.sw.AddTable(&excelize.Table{Range: fmt.Sprintf("A%d:%s", t.first, ref), Name: t.name, StyleName: "TableStyleLight1", ShowRowStripes: &show}); err != nil {
		return err
	}
	return t.sw.Flush()
}

// printSetup makes a sheet print on landscape A4, fitted to the page width
// (as many pages down as it takes), with its header row repeated on every
// page.
func printSetup(f *excelize.File, sheet string, headerRow int) error {
	size, orient, wide, tall := 9, "landscape", 1, 0 // 9 is A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, headerRow, headerRow)})
}

// num is a figure cell: empty when the figure is missing, red when it misses
// its target.
func (t *table) num(k kind, v float64, ok, missed bool) any {
	if !ok {
		return nil
	}
	if missed {
		return excelize.Cell{StyleID: t.st.miss[k], Value: v}
	}
	return excelize.Cell{StyleID: t.st.plain[k], Value: v}
}

// int is a whole-number cell.
func (t *table) int(n int) any {
	return excelize.Cell{StyleID: t.st.plain[kCount], Value: n}
}
