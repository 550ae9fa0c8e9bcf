// Package xlsxguard checks an XLSX workbook's ZIP directory before excelize
// opens it, so that a zip bomb (a small file that inflates to gigabytes) is
// refused quickly and with bounded memory. Every workbook banzu reads goes
// through Check and is opened with Options.
//
// The sizes checked are the ones the central directory declares; archive/zip
// refuses to inflate an entry past its declared size (zip.ErrFormat), so a
// directory that lies makes the read fail rather than grow.
package xlsxguard

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits bound what a workbook may inflate to.
type Limits struct {
	// MaxStreamed caps one worksheet or the shared strings: excelize spills
	// those to a temporary file and streams them.
	MaxStreamed int64
	// MaxInMemory caps every other entry: excelize reads those into memory.
	MaxInMemory int64
	// MaxInMemoryTotal caps the sum of the entries read into memory.
	MaxInMemoryTotal int64
	// MaxTotal caps the sum of all entries.
	MaxTotal int64
	// MaxRatio caps an entry's uncompressed/compressed ratio, for entries of
	// at least RatioFloor bytes (tiny parts compress oddly well).
	MaxRatio   int64
	RatioFloor int64
	// MaxEntries caps the number of entries.
	MaxEntries int
}

// Default limits: generous for real exports (a 400,000-row sheet is about
// 100 MB of XML compressing 8–15×), far below what hurts the server.
var Default = Limits{
	MaxStreamed:      1 << 30,
	MaxInMemory:      16 << 20,
	MaxInMemoryTotal: 64 << 20,
	MaxTotal:         2 << 30,
	MaxRatio:         100,
	RatioFloor:       1 << 20,
	MaxEntries:       10000,
}

// Error is a refused workbook; Msg is Simplified Chinese and names the file.
type Error struct {
	File string
	Msg  string
}

// Error returns the Chinese message.
func (e *Error) Error() string { return e.Msg }

// streamed reports whether excelize streams the entry through a temporary
// file instead of reading it into memory.
func streamed(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return n == "xl/sharedstrings.xml" || strings.HasPrefix(n, "xl/worksheets/sheet")
}

// Check refuses a workbook whose directory exceeds l. file is the name shown
// in the error.
func (l Limits) Check(zr *zip.Reader, file string) error {
	if len(zr.File) > l.MaxEntries {
		return &Error{File: file, Msg: fmt.Sprintf("“%s”里的文件条目过多（%d 个，最多 %d 个），不像正常的 Excel 表格，已拒绝导入。", file, len(zr.File), l.MaxEntries)}
	}
	var total, inMemory uint64
	for _, e := range zr.File {
		size := e.UncompressedSize64
		limit := l.MaxInMemory
		if streamed(e.Name) {
			limit = l.MaxStreamed
		} else {
			inMemory += size
		}
		if size >= uint64(l.RatioFloor) {
			if e.CompressedSize64 == 0 || size/e.CompressedSize64 > uint64(l.MaxRatio) {
				return &Error{File: file, Msg: fmt.Sprintf("“%s”压缩比异常：其中 %s 压缩后 %s、解压后 %s（超过 %d 倍），疑似压缩炸弹，已拒绝导入。", file, e.Name, human(e.CompressedSize64), human(size), l.MaxRatio)}
			}
		}
		if size > uint64(limit) {
			hint := "请按月或按店铺拆分后再导入。"
			if !streamed(e.Name) {
				hint = "如果是正常的表格，请删除其中的图片、图表等内容，另存为新文件后再导入。"
			}
			return &Error{File: file, Msg: fmt.Sprintf("“%s”解压后过大：其中 %s 有 %s（上限 %s），已拒绝导入。%s", file, e.Name, human(size), human(uint64(limit)), hint)}
		}
		if inMemory > uint64(l.MaxInMemoryTotal) {
			return &Error{File: file, Msg: fmt.Sprintf("“%s”解压后过大：工作表以外的部分（图片、图表等）合计超过 %s，已拒绝导入。如果是正常的表格，请删除这些内容，另存为新文件后再导入。", file, human(uint64(l.MaxInMemoryTotal)))}
		}
		total += size
		if total > uint64(l.MaxTotal) {
			return &Error{File: file, Msg: fmt.Sprintf("“%s”解压后总大小超过 %s，已拒绝导入；请按月或按店铺拆分后再导入。", file, human(uint64(l.MaxTotal)))}
		}
	}
	return nil
}

// Options are the excelize options matching l: the total is capped again by
// excelize, and parts over 16 MB are streamed from a temporary file.
func (l Limits) Options() excelize.Options {
	return excelize.Options{UnzipSizeLimit: l.MaxTotal, UnzipXMLSizeLimit: min(l.MaxInMemory, l.MaxTotal)}
}

// WithTmpDir is Options with excelize's temporary files in dir ("" for the
// system's temporary folder).
func (l Limits) WithTmpDir(dir string) excelize.Options {
	o := l.Options()
	o.TmpDir = dir
	return o
}

// Open checks the workbook in r (size bytes) with the default limits and
// opens it with excelize. A damaged ZIP is left to excelize's error.
func Open(r io.ReaderAt, size int64, file string) (*excelize.File, error) {
	return Default.Open(r, size, file)
}

// Open checks the workbook in r (size bytes) against l and opens it.
func (l Limits) Open(r io.ReaderAt, size int64, file string) (*excelize.File, error) {
	if zr, err := zip.NewReader(r, size); err == nil {
		if err := l.Check(zr, file); err != nil {
			return nil, err
		}
	}
	return excelize.OpenReader(io.NewSectionReader(r, 0, size), l.Options())
}

// human renders a byte count for users: "1.0 GB", "16 MB", "512 KB".
func human(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}
