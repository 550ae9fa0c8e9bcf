package kpi

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/xlsxguard/xlsxguardtest"
)

// xlsxWith rebuilds the workbook base with its first sheet and shared
// strings replaced (a nil part is left out).
func xlsxWith(t testing.TB, base []byte, sheet, shared []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range zr.File {
		var body []byte
		switch e.Name {
		case "xl/worksheets/sheet1.xml":
			body = sheet
		case "xl/sharedStrings.xml":
			body = shared
		default:
			if err := zw.Copy(e); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if body == nil {
			continue
		}
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipPart reads one entry of a ZIP file.
func zipPart(t testing.TB, b []byte, name string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range zr.File {
		if e.Name == name {
			rc, err := e.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			out, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	return nil
}

// FuzzImportXLSX feeds arbitrary worksheet and shared-strings XML, inside an
// otherwise valid workbook, to the importer: it must never panic; a failed
// import writes nothing and says why; a successful one accounts for every
// row.
func FuzzImportXLSX(f *testing.F) {
	base, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", "chitu-presales-daily.xlsx"))
	if err != nil {
		var buf bytes.Buffer
		if err := xlsxguardtest.Write(&buf, xlsxguardtest.Zeros, 0, []string{"日期", "客服昵称", "满意率"}, [][]any{{"2026-10-01", "小王", "95%"}}); err != nil {
			f.Fatal(err)
		}
		base = buf.Bytes()
	}
	sheet, shared := zipPart(f, base, "xl/worksheets/sheet1.xml"), zipPart(f, base, "xl/sharedStrings.xml")
	f.Add(sheet[:min(len(sheet), 4000)], shared)
	f.Add(sheet, shared)
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>客服昵称</t></is></c><c r="B1" t="inlineStr"><is><t>接待人数</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>小王</t></is></c><c r="B2"><v>40</v></c></row></sheetData></worksheet>`), []byte(nil))
	f.Add([]byte(`<worksheet><sheetData><row r="99999999"><c r="XFD1048577" t="s"><v>-1</v></c></row></sheetData></worksheet>`), []byte(`<sst><si><t>`))
	res := MapResolver{"小王": "xiaowang", "小李": "xiaoli", "阿强": "aqiang"}
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		fuzzImport(t, res, xlsxWith(t, base, sheet, shared), "fuzz.xlsx")
	})
}

// TestImportXLSXBomb: a workbook with 1 GiB of zeros inside is refused as
// too large, naming the file, and writes nothing.
func TestImportXLSXBomb(t *testing.T) {
	dir := t.TempDir()
	path := xlsxguardtest.File(t, dir, xlsxguardtest.Zeros, 1<<30, []string{"日期", "客服昵称", "接待人数"}, [][]any{{"2026-10-01", "小王", 40}})
	sink := &memSink{}
	im := &Importer{Sink: sink, Resolver: MapResolver{"小王": "xiaowang"}, TempDir: dir}
	_, err := im.ImportFile(context.Background(), path, Options{Team: "t", Name: "十月.xlsx"})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "“十月.xlsx”") || !strings.Contains(err.Error(), "疑似压缩炸弹") {
		t.Fatalf("got %v, want ErrTooLarge naming 十月.xlsx", err)
	}
	if len(sink.recs) != 0 {
		t.Errorf("wrote %d records", len(sink.recs))
	}
}
