package xlsxguard_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/xlsxguard"
	"github.com/banzu-bot/banzu/xlsxguard/xlsxguardtest"
	"github.com/xuri/excelize/v2"
)

func zipOf(t *testing.T, b []byte) *zip.Reader {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// workbook is a real workbook with rows rows of varied numbers.
func workbook(t *testing.T, rows int) []byte {
	t.Helper()
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= rows; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{"小王", r, r * 7919 % 1000, float64(r) / 3}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckAcceptsRealWorkbooks(t *testing.T) {
	for _, rows := range []int{1, 50000} {
		b := workbook(t, rows)
		if err := xlsxguard.Default.Check(zipOf(t, b), "a.xlsx"); err != nil {
			t.Errorf("%d rows: %v", rows, err)
		}
		f, err := xlsxguard.Open(bytes.NewReader(b), int64(len(b)), "a.xlsx")
		if err != nil {
			t.Fatalf("%d rows: open: %v", rows, err)
		}
		got, err := f.GetCellValue("Sheet1", "A1")
		f.Close()
		if err != nil || got != "小王" {
			t.Errorf("%d rows: A1 = %q, %v", rows, got, err)
		}
	}
}

func TestCheckRefusesBombs(t *testing.T) {
	var zeros, spaces, small bytes.Buffer
	if err := xlsxguardtest.Write(&zeros, xlsxguardtest.Zeros, 1<<30, []string{"客服"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := xlsxguardtest.Write(&spaces, xlsxguardtest.WhitespaceSheet, 200<<20, []string{"客服"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := xlsxguardtest.Write(&small, xlsxguardtest.Zeros, 8<<20, []string{"客服"}, nil); err != nil {
		t.Fatal(err)
	}
	loose := xlsxguard.Default
	loose.MaxRatio = 1 << 40
	real := workbook(t, 20000)
	cases := []struct {
		name string
		l    xlsxguard.Limits
		b    []byte
		want string
	}{
		{"1 GiB of zeros", xlsxguard.Default, zeros.Bytes(), "压缩比异常：其中 xl/media/zeros.bin"},
		{"200 MiB whitespace sheet", xlsxguard.Default, spaces.Bytes(), "压缩比异常：其中 xl/worksheets/sheet1.xml"},
		{"entry over the in-memory cap", loose, zeros.Bytes(), "xl/media/zeros.bin 有 1.0 GB（上限 16 MB）"},
		{"in-memory total", func() xlsxguard.Limits { l := loose; l.MaxInMemoryTotal = 4 << 20; return l }(), small.Bytes(), "工作表以外的部分（图片、图表等）合计超过 4 MB"},
		{"total", func() xlsxguard.Limits { l := loose; l.MaxTotal = 1 << 20; return l }(), real, "总大小超过 1 MB"},
		{"sheet over the streamed cap", func() xlsxguard.Limits { l := loose; l.MaxStreamed = 100 << 20; return l }(), spaces.Bytes(), "xl/worksheets/sheet1.xml 有 200 MB（上限 100 MB）"},
		{"entries", func() xlsxguard.Limits { l := loose; l.MaxEntries = 3; return l }(), real, "文件条目过多"},
	}
	for _, c := range cases {
		err := c.l.Check(zipOf(t, c.b), "炸弹.xlsx")
		var ge *xlsxguard.Error
		if !errors.As(err, &ge) || !strings.Contains(ge.Msg, c.want) || !strings.Contains(ge.Msg, "“炸弹.xlsx”") {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
		if _, err := c.l.Open(bytes.NewReader(c.b), int64(len(c.b)), "炸弹.xlsx"); !errors.As(err, &ge) {
			t.Errorf("%s: Open: %v", c.name, err)
		}
	}
}
