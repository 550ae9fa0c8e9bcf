package kpi

import (
	"archive/zip"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/banzu-bot/banzu/xlsxguard"
	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/tmpdir"
)

// openXLSX opens the workbook and picks the first sheet with a header row.
// excelize keeps the compressed file in memory (bounded by MaxBytes) and
// streams the sheet's rows.
func openXLSX(f *os.File, cfg *importConfig, sum *Summary, tmp string) (rowSource, *headerInfo, error) {
	if err := checkZip(f, sum.File); err != nil {
		return nil, nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	if tmp != "" {
		// excelize unpacks sheets over 16 MB into temporary files.
		if _, err := tmpdir.Ensure(tmp); err != nil {
			return nil, nil, err
		}
	}
	wb, err := excelize.OpenReader(f, xlsxguard.Default.WithTmpDir(tmp))
	if err != nil {
		return nil, nil, importErr(ErrUnknownFormat, "XLSX 文件已损坏或无法读取（%v），请在 Excel 中重新保存后再导入。", err)
	}
	var firstErr error
	for _, sheet := range wb.GetSheetList() {
		src, err := newXLSXSource(wb, sheet)
		if err != nil {
			continue
		}
		hdr, err := findHeader(src, cfg)
		if err == nil {
			sum.Sheet = sheet
			return &closeBoth{src, wb}, hdr, nil
		}
		_ = src.Close()
		if firstErr == nil {
			firstErr = err
		}
	}
	_ = wb.Close()
	if firstErr == nil {
		firstErr = importErr(ErrNoHeader, "工作簿里没有可读的工作表。")
	}
	return nil, nil, firstErr
}

// checkZip tells an XLSX workbook from other ZIP files (a plain archive, a
// Word or PowerPoint document, an OpenDocument spreadsheet) and from a
// damaged file, by the archive's entry names, and refuses a workbook that
// would inflate too far (xlsxguard) before excelize reads any of it.
func checkZip(f *os.File, name string) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return importErr(ErrUnknownFormat, "XLSX 文件已损坏或不完整，请在 Excel 中重新保存或重新导出后再导入。")
	}
	var word, ppt, ods bool
	for _, e := range zr.File {
		switch {
		case e.Name == "xl/workbook.xml":
			if err := xlsxguard.Default.Check(zr, name); err != nil {
				return &ImportError{Kind: ErrTooLarge, Msg: err.Error()}
			}
			return nil
		case strings.HasPrefix(e.Name, "word/"):
			word = true
		case strings.HasPrefix(e.Name, "ppt/"):
			ppt = true
		case e.Name == "mimetype" || e.Name == "content.xml":
			ods = true
		}
	}
	switch {
	case word:
		return importErr(ErrUnknownFormat, "这是 Word 文档，不是表格；请导入店铺后台导出的 CSV 或 XLSX 报表。")
	case ppt:
		return importErr(ErrUnknownFormat, "这是 PowerPoint 文档，不是表格；请导入店铺后台导出的 CSV 或 XLSX 报表。")
	case ods:
		return importErr(ErrUnknownFormat, "这是 OpenDocument（WPS/LibreOffice）格式；请另存为 .xlsx 或 CSV 后再导入。")
	}
	return importErr(ErrUnknownFormat, "这是 ZIP 压缩包，不是 XLSX 表格；请先解压，再导入里面的 CSV 或 XLSX 文件。")
}

// closeBoth closes a sheet's row iterator and then its workbook.
type closeBoth struct {
	rowSource
	wb *excelize.File
}

func (c *closeBoth) Close() error {
	err := c.rowSource.Close()
	if err2 := c.wb.Close(); err == nil {
		err = err2
	}
	return err
}

// sourceLabel is the default source of an import: the preset and a
// fingerprint of the metric columns the file carries.
func sourceLabel(p *Preset, plan []colPlan) string {
	names := make([]string, 0, len(plan))
	for _, c := range plan {
		if kindOf(c.col) != kindText && c.col != ColDate {
			names = append(names, c.col.String())
		}
	}
	sort.Strings(names)
	h := fnv.New32a()
	_, _ = io.WriteString(h, strings.Join(names, ","))
	return fmt.Sprintf("%s.%06x", p.Name, h.Sum32()&0xffffff)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// createTemp creates a temporary file of kind in dir ("" for the system's
// temp folder), creating dir first.
func createTemp(dir, kind string) (*os.File, error) {
	if dir != "" {
		if _, err := tmpdir.Ensure(dir); err != nil {
			return nil, err
		}
	}
	return os.CreateTemp(dir, tmpdir.Pattern(kind))
}
