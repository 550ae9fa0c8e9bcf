// Package xlsxguardtest writes zip-bomb workbooks for tests: a real, small
// workbook plus a huge entry that deflates to about a thousandth of its size.
// The bombs are generated, never committed.
package xlsxguardtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Kind is the shape of a bomb.
type Kind int

const (
	// Zeros adds an entry xl/media/zeros.bin of zero bytes (read into memory
	// by excelize).
	Zeros Kind = iota
	// WhitespaceSheet replaces the sheet with a worksheet padded with spaces
	// (spilled to a temporary file and parsed by excelize).
	WhitespaceSheet
)

// Write writes a workbook with one sheet holding header (a row of titles)
// and rows, plus size bytes of the bomb kind.
func Write(w io.Writer, kind Kind, size int64, header []string, rows [][]any) error {
	f := excelize.NewFile()
	if len(header) > 0 {
		h := make([]any, len(header))
		for i, s := range header {
			h[i] = s
		}
		if err := f.SetSheetRow("Sheet1", "A1", &h); err != nil {
			return err
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, e := range zr.File {
		if kind == WhitespaceSheet && e.Name == "xl/worksheets/sheet1.xml" {
			continue
		}
		if err := zw.Copy(e); err != nil {
			return err
		}
	}
	var name, head, tail string
	var fill byte
	switch kind {
	case Zeros:
		name = "xl/media/zeros.bin"
	case WhitespaceSheet:
		name, fill = "xl/worksheets/sheet1.xml", ' '
		head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
		tail = `</sheetData></worksheet>`
	}
	if err := writeRepeat(zw, name, head, fill, size, tail); err != nil {
		return err
	}
	return zw.Close()
}

// File writes a bomb of size bytes into a file under dir and returns its
// path; it fails tb on error.
func File(tb testing.TB, dir string, kind Kind, size int64, header []string, rows [][]any) string {
	tb.Helper()
	path := filepath.Join(dir, "bomb.xlsx")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := Write(f, kind, size, header, rows); err != nil {
		tb.Fatal(err)
	}
	return path
}

// chunk is the unit writeRepeat compresses once and repeats.
const chunk = 1 << 20

// writeRepeat adds entry name holding head, size bytes of fill (rounded up
// to whole MiB) and tail. Deflating a gigabyte takes 10 s on a busy machine,
// so the compressed form of one MiB of fill, which is the same for every MiB
// after the first, is computed once and repeated: the entry is a genuine
// deflate stream that inflates to every byte it declares.
func writeRepeat(zw *zip.Writer, name, head string, fill byte, size int64, tail string) error {
	n := max((size+chunk-1)/chunk, 3)
	block := bytes.Repeat([]byte{fill}, chunk)
	var out bytes.Buffer
	fw, err := flate.NewWriter(&out, flate.DefaultCompression)
	if err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	put := func(p []byte) ([]byte, error) {
		crc.Write(p)
		if _, err := fw.Write(p); err != nil {
			return nil, err
		}
		if err := fw.Flush(); err != nil {
			return nil, err
		}
		b := bytes.Clone(out.Bytes())
		out.Reset()
		return b, nil
	}
	first, err := put(append([]byte(head), block...))
	if err != nil {
		return err
	}
	second, err := put(block)
	if err != nil {
		return err
	}
	third, err := put(block)
	if err != nil {
		return err
	}
	if !bytes.Equal(second, third) {
		return errors.New("xlsxguardtest: deflate output of repeated blocks differs")
	}
	for i := int64(3); i < n; i++ {
		crc.Write(block)
	}
	crc.Write([]byte(tail))
	if _, err := fw.Write([]byte(tail)); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	last := out.Bytes()
	compressed := int64(len(first)) + (n-1)*int64(len(second)) + int64(len(last))
	ew, err := zw.CreateRaw(&zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		CRC32:              crc.Sum32(),
		CompressedSize64:   uint64(compressed),
		UncompressedSize64: uint64(int64(len(head)) + n*chunk + int64(len(tail))),
	})
	if err != nil {
		return err
	}
	if _, err := ew.Write(first); err != nil {
		return err
	}
	for i := int64(1); i < n; i++ {
		if _, err := ew.Write(second); err != nil {
			return err
		}
	}
	_, err = ew.Write(last)
	return err
}
