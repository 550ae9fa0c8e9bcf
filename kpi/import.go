package kpi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Sink receives an import's records in batches, after the whole file parsed
// cleanly. A batch holds at most one record per (date, agent); the slice is
// reused after PutBatch returns.
type Sink interface {
	PutBatch(ctx context.Context, recs []Record) error
}

// DefaultMaxBytes is the file size limit when Importer.MaxBytes is zero.
const DefaultMaxBytes = 64 << 20

// DefaultBatchSize is the records per Sink.PutBatch when Importer.BatchSize
// is zero. Each batch is one transaction of the embedded store, and each
// transaction costs two fsyncs (about 6 ms on the benchmark machine): 8192
// records a batch keep a 100,000-record import to 13 commits, while a batch's
// memory (the records, their encoding, bbolt's dirty pages) stays near 10 MB
// whatever the file size.
const DefaultBatchSize = 8192

// DefaultRunSize is the records staged in memory before a sorted run is
// spilled to the spool file, when Importer.RunSize is zero (about 6 MB; the
// run is freed before the writes begin).
const DefaultRunSize = 16384

// headerSearchRows is how many leading rows may precede the header row.
const headerSearchRows = 20

// Importer reads shop-platform exports into records. The zero value is not
// usable: Sink and Resolver are required.
type Importer struct {
	Sink     Sink
	Resolver Resolver
	// Mappings are extra column titles for all imports (from config): title as
	// in the file -> column name (see ParseColumn), e.g. {"满意度": "satisfaction"}.
	Mappings map[string]string
	// MaxBytes limits the file size; 0 means DefaultMaxBytes, negative means
	// no limit.
	MaxBytes int64
	// TempDir holds uploads, spool files of large imports and the sheets
	// of large workbooks; it is created when needed. "" means os.TempDir().
	TempDir string
	// Now stamps imports (the newest import wins merges); nil means time.Now.
	Now func() time.Time
	// BatchSize is the number of records per Sink.PutBatch; 0 means
	// DefaultBatchSize.
	BatchSize int
	// RunSize is the number of records held in memory before spilling to the
	// spool file; 0 means DefaultRunSize.
	RunSize int
	// By says who runs the imports ("命令行 banzu import（user）", "HTTP 接口
	// 10.0.0.5"); it is kept in the "import in progress" marker.
	By string
	// Progress, when set, is called from the importing goroutine every few
	// thousand rows while the file is read and every batch while records are
	// written (for a progress bar). It must be quick.
	Progress func(Progress)
}

// Progress is how far an import got.
type Progress struct {
	File    string // as in the Summary
	Bytes   int64  // bytes of the file read so far (CSV; 0 for XLSX)
	Size    int64  // file size
	Rows    int    // data rows read
	Writing bool   // every row was read; records are being written
	Records int    // records written so far
	Total   int    // rows imported: an upper bound of the records to write
	Done    bool   // the import finished (successfully or not)
}

// Options are per-import settings.
type Options struct {
	Team   string // team id; required
	Preset string // chitu, feige, jd, pdd, kuaishou, generic; "" detects
	// Date (YYYY-MM-DD) is the day of every row of a file without a date
	// column; ignored when the file has one.
	Date string
	// Source overrides the source label (default: preset name and a
	// fingerprint of the columns, e.g. "chitu.5d0b7a").
	Source string
	// Mappings are extra column titles for this import, over Importer.Mappings.
	Mappings map[string]string
	// Name is the file name shown in the Summary (default: the path's base).
	Name string
}

// Skip reasons, as shown to users.
const (
	SkipSummary       = "汇总行"
	SkipBlank         = "空行"
	SkipUnknownAgent  = "未知客服"
	SkipNoAgent       = "缺少客服"
	SkipNoData        = "无指标数据"
	SkipNote          = "说明行"
	SkipRepeatedTitle = "重复表头"
)

// UnknownAgent is an account the resolver did not know, with its row count.
type UnknownAgent struct {
	Name string
	Rows int
}

// ColumnMapping shows how one column title was understood.
type ColumnMapping struct {
	Title  string // as written in the file
	Column string // column name, e.g. "served"
}

// Summary reports an import. RowsRead = Imported + the sum of Skipped + the
// rows with errors.
type Summary struct {
	File        string
	Format      string // UTF-8, GBK, UTF-16 or XLSX
	Sheet       string // XLSX sheet used
	Preset      string
	PresetLabel string
	Source      string
	Team        string
	HeaderRow   int
	Columns     []ColumnMapping
	Unmapped    []string // titles that were not recognised (ignored)

	RowsRead int
	Imported int
	Skipped  map[string]int
	Unknown  []UnknownAgent // sorted by rows, descending

	From, To string // dates covered, YYYY-MM-DD
	Days     int

	Records    int        // agent-day records written to the sink
	ErrorRows  int        // rows with at least one bad value
	ErrorCount int        // bad values in all
	Errors     []RowError // the first ones
}

// SkippedRows returns the number of skipped rows.
func (s *Summary) SkippedRows() int {
	n := 0
	for _, v := range s.Skipped {
		n += v
	}
	return n
}

// ImportReader imports from r (an upload, say): the content is copied to a
// temporary file first, within the size limit.
func (im *Importer) ImportReader(ctx context.Context, r io.Reader, name string, opt Options) (*Summary, error) {
	f, err := createTemp(im.TempDir, "kpi-upload")
	if err != nil {
		return nil, err
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	limit := im.maxBytes()
	src := r
	if limit > 0 {
		src = io.LimitReader(r, limit+1)
	}
	n, err := io.Copy(f, src)
	if err != nil {
		return nil, fmt.Errorf("读取上传文件失败：%w", err)
	}
	if limit > 0 && n > limit {
		return nil, tooLarge(n, limit, true)
	}
	if opt.Name == "" {
		opt.Name = name
	}
	return im.ImportFile(ctx, f.Name(), opt)
}

func (im *Importer) maxBytes() int64 {
	if im.MaxBytes == 0 {
		return DefaultMaxBytes
	}
	return im.MaxBytes
}

func tooLarge(n, limit int64, atLeast bool) error {
	if atLeast {
		return importErr(ErrTooLarge, "文件超过 %.0f MB 的上限；请按月或按店铺拆分后再导入。", float64(limit)/(1<<20))
	}
	return importErr(ErrTooLarge, "文件大小 %.1f MB，超过上限 %.0f MB；请按月或按店铺拆分后再导入。",
		float64(n)/(1<<20), float64(limit)/(1<<20))
}

// ImportFile imports the export at path. On a parse error nothing is written
// and the error (an *ImportError) says which row and column; the Summary is
// returned whenever the file could be read.
func (im *Importer) ImportFile(ctx context.Context, path string, opt Options) (*Summary, error) {
	if im.Sink == nil || im.Resolver == nil {
		return nil, errors.New("kpi: Importer needs a Sink and a Resolver")
	}
	cfg, err := im.prepare(opt)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, importErr(ErrNoFile, "找不到文件“%s”，请检查文件名和路径。", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, importErr(ErrNoFile, "没有权限读取文件“%s”。", path)
	case err != nil:
		return nil, fmt.Errorf("打开文件失败：%w", err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, importErr(ErrNoFile, "“%s”是一个文件夹，请指定要导入的文件。", path)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("打开文件失败：%w", err)
	}
	if limit := im.maxBytes(); limit > 0 && st.Size() > limit {
		return nil, tooLarge(st.Size(), limit, false)
	}
	head := make([]byte, min(st.Size(), sniffSize))
	if _, err := io.ReadFull(f, head); err != nil {
		return nil, fmt.Errorf("读取文件失败：%w", err)
	}
	ff, err := sniff(head)
	if err != nil {
		return nil, err
	}
	sum := &Summary{File: opt.Name, Format: ff.label, Team: opt.Team, Skipped: map[string]int{}}
	if sum.File == "" {
		sum.File = filepath.Base(path)
	}
	var src rowSource
	var hdr *headerInfo
	prog := &progress{fn: im.Progress, p: Progress{File: sum.File, Size: st.Size()}}
	if ff.xlsx {
		src, hdr, err = openXLSX(f, cfg, sum, im.TempDir)
	} else {
		if _, err = f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		prog.cr = &countingReader{r: f}
		cs := newCSVSource(prog.cr, f, ff)
		src = cs
		hdr, err = findHeader(cs, cfg)
	}
	if err != nil {
		return nil, err
	}
	defer src.Close()
	defer prog.done()
	return im.run(ctx, src, hdr, cfg, opt, sum, prog)
}

// importConfig is an import's validated settings.
type importConfig struct {
	presets []*Preset
	extra   map[string]Column
	date    civil
}

func (im *Importer) prepare(opt Options) (*importConfig, error) {
	cfg := &importConfig{presets: Presets, extra: map[string]Column{}}
	if strings.TrimSpace(opt.Team) == "" {
		return nil, importErr(ErrBadOption, "导入时必须指定团队。")
	}
	if opt.Preset != "" {
		p, err := PresetByName(opt.Preset)
		if err != nil {
			return nil, &ImportError{Kind: ErrBadOption, Msg: err.Error()}
		}
		cfg.presets = []*Preset{p}
	}
	if opt.Date != "" {
		d, st := parseDate(opt.Date)
		if st != cellOK {
			return nil, importErr(ErrBadOption, "导入日期“%s”无法识别，请写成 2026-10-01 的形式。", opt.Date)
		}
		cfg.date = d
	}
	for _, m := range []map[string]string{im.Mappings, opt.Mappings} {
		for title, name := range m {
			c, err := ParseColumn(name)
			if err != nil {
				return nil, importErr(ErrBadOption, "列映射“%s”有误：%s", title, err.Error())
			}
			cfg.extra[normHeader(title).name] = c
		}
	}
	return cfg, nil
}
