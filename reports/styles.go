package reports

import (
	"github.com/xuri/excelize/v2"
)

// kind is how a figure is shown.
type kind int

const (
	kCount kind = iota // a whole number, #,##0
	kPct               // a fraction shown as 0.0%
	kSec               // seconds, 0.0"秒"
	kMoney             // yuan, ¥#,##0.00
	kScore             // a 0..100 score, 0.0
	kText
	kDate
	numKinds
)

var numFmts = [numKinds]string{
	kCount: "#,##0",
	kPct:   "0.0%",
	kSec:   `0.0"秒"`,
	kMoney: `"¥"#,##0.00`,
	kScore: "0.0",
	kText:  "@",
	kDate:  "yyyy-mm-dd",
}

// styles holds the workbook's style ids.
type styles struct {
	title, subtitle, header, note int
	plain                         [numKinds]int // by kind
	miss                          [numKinds]int // a missed target: red
	ok, bad                       int           // status cells ✓ / ✗
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{}
	var err error
	add := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	s.title = add(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.subtitle = add(&excelize.Style{Font: &excelize.Font{Color: "595959"}})
	s.note = add(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "7F7F7F"}})
	s.header = add(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"305496"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border,
	})
	red := &excelize.Font{Color: "9C0006", Bold: true}
	redFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
	for k := kind(0); k < numKinds; k++ {
		fmtCode := numFmts[k]
		s.plain[k] = add(&excelize.Style{CustomNumFmt: &fmtCode})
		s.miss[k] = add(&excelize.Style{CustomNumFmt: &fmtCode, Font: red, Fill: redFill})
	}
	s.ok = add(&excelize.Style{Font: &excelize.Font{Color: "006100"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C6EFCE"}}})
	s.bad = add(&excelize.Style{Font: red, Fill: redFill})
	return s, err
}
