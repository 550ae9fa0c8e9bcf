package kpi

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// rowSource yields the rows of one table. The returned slice may be reused by
// the next call; line is the 1-based row number users see in Excel or a text
// editor. Next returns io.EOF after the last row.
type rowSource interface {
	Next() (row []string, line int, err error)
	Close() error
}

// fileFormat is what sniffing found.
type fileFormat struct {
	xlsx  bool
	enc   encoding.Encoding // nil for UTF-8
	label string            // "UTF-8", "GBK", "UTF-16", "XLSX"
	delim rune
}

const sniffSize = 64 << 10

// sniff looks at the head of a file and decides how to read it.
func sniff(head []byte) (fileFormat, error) {
	if len(head) == 0 {
		return fileFormat{}, importErr(ErrEmptyFile, "文件是空的，没有任何内容。")
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return fileFormat{xlsx: true, label: "XLSX"}, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return fileFormat{}, importErr(ErrUnknownFormat, "这是旧版 Excel（.xls）文件，暂不支持；请在 Excel 中“另存为” .xlsx 或 CSV 后再导入。")
	case bytes.HasPrefix(head, []byte("%PDF")), bytes.HasPrefix(head, []byte("\x89PNG")), bytes.HasPrefix(head, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(head, []byte("GIF8")), bytes.HasPrefix(head, []byte("\x1f\x8b")), bytes.HasPrefix(head, []byte("Rar!")),
		bytes.HasPrefix(head, []byte("7z\xbc\xaf")):
		return fileFormat{}, importErr(ErrUnknownFormat, "这不是表格文件（CSV 或 XLSX），无法导入。")
	}
	f := fileFormat{label: "UTF-8"}
	text := head
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		text = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		f.enc, f.label = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "UTF-16"
		dec, _, err := transform.Bytes(f.enc.NewDecoder(), head[:len(head)&^1])
		if err != nil {
			return fileFormat{}, importErr(ErrUnknownFormat, "文件编码无法识别，请另存为 UTF-8 编码的 CSV 或 XLSX 后再导入。")
		}
		text = dec
	default:
		if !validUTF8Prefix(head) {
			dec, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), head)
			if err != nil || !plausibleText(dec) {
				return fileFormat{}, importErr(ErrUnknownFormat, "文件内容无法识别（既不是 UTF-8/GBK 编码的 CSV，也不是 XLSX），请检查是否选错了文件。")
			}
			f.enc, f.label, text = simplifiedchinese.GB18030, "GBK", dec
		}
	}
	if !plausibleText(text) {
		return fileFormat{}, importErr(ErrUnknownFormat, "文件内容无法识别（不是 CSV 或 XLSX 表格），请检查是否选错了文件。")
	}
	trimmed := bytes.TrimSpace(text)
	if len(trimmed) == 0 {
		return fileFormat{}, importErr(ErrEmptyFile, "文件是空的，没有任何内容。")
	}
	if lower := bytes.ToLower(trimmed[:min(len(trimmed), 512)]); bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<table")) {
		return fileFormat{}, importErr(ErrUnknownFormat, "这是网页格式的表格（常见于后缀为 .xls 的导出），请用 Excel 打开后“另存为” .xlsx 再导入。")
	}
	f.delim = guessDelimiter(text)
	return f, nil
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut at the end.
func validUTF8Prefix(b []byte) bool {
	for cut := 0; cut < utf8.UTFMax && cut < len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}

// plausibleText rejects binary junk: NUL bytes, many control characters or
// replacement characters.
func plausibleText(b []byte) bool {
	bad, n := 0, 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		n++
		switch {
		case r == 0:
			return false
		case r == utf8.RuneError && size == 1 && len(b) < utf8.UTFMax:
			// cut at the end of the sample
		case r == utf8.RuneError, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f:
			bad++
		}
	}
	return n > 0 && bad*100 <= n
}

// guessDelimiter picks the separator of the first non-empty line.
func guessDelimiter(text []byte) rune {
	line := text
	for len(line) > 0 {
		i := bytes.IndexByte(line, '\n')
		cur := line
		if i >= 0 {
			cur, line = line[:i], line[i+1:]
		} else {
			line = nil
		}
		if len(bytes.TrimSpace(cur)) == 0 {
			continue
		}
		best, bestN := ',', bytes.Count(cur, []byte{','})
		for _, d := range []rune{'\t', ';', '|'} {
			if n := bytes.Count(cur, []byte(string(d))); n > bestN {
				best, bestN = d, n
			}
		}
		return best
	}
	return ','
}

// csvSource reads a delimited text file.
type csvSource struct {
	r   *csv.Reader
	f   io.Closer
	lim *recordLimiter
}

// maxRecordBytes bounds one CSV record: a quote that is never closed would
// otherwise make encoding/csv read the rest of the file into one field.
const maxRecordBytes = 256 << 10

// errRecordTooLong is returned for a record over maxRecordBytes.
var errRecordTooLong = errors.New("kpi: csv record too long")

// recordLimiter fails a read once more than maxRecordBytes were pulled in
// for one record (csvSource.Next resets it). encoding/csv reads ahead through
// a 4 KiB buffer, so the bound is approximate.
type recordLimiter struct {
	r io.Reader
	n int
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.n > maxRecordBytes {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

func newCSVSource(in io.Reader, f io.Closer, ff fileFormat) *csvSource {
	var rd io.Reader = bufio.NewReaderSize(in, 64<<10)
	if ff.enc != nil {
		rd = transform.NewReader(rd, ff.enc.NewDecoder())
	} else {
		rd = &bomSkipper{r: rd.(*bufio.Reader)}
	}
	lim := &recordLimiter{r: rd}
	r := csv.NewReader(lim)
	r.Comma = ff.delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return &csvSource{r: r, f: f, lim: lim}
}

func (s *csvSource) Next() ([]string, int, error) {
	s.lim.n = 0
	row, err := s.r.Read()
	if err != nil {
		return nil, 0, err
	}
	line, _ := s.r.FieldPos(0)
	return row, line, nil
}

func (s *csvSource) Close() error { return s.f.Close() }

// bomSkipper drops a leading UTF-8 byte-order mark.
type bomSkipper struct {
	r       *bufio.Reader
	started bool
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		if head, err := b.r.Peek(3); err == nil && bytes.Equal(head, []byte{0xEF, 0xBB, 0xBF}) {
			_, _ = b.r.Discard(3)
		}
	}
	return b.r.Read(p)
}

// xlsxSource reads one worksheet with excelize's streaming Rows iterator.
type xlsxSource struct {
	rows *excelize.Rows
	line int
}

func newXLSXSource(f *excelize.File, sheet string) (*xlsxSource, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	return &xlsxSource{rows: rows}, nil
}

func (s *xlsxSource) Next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, err
		}
		return nil, 0, io.EOF
	}
	s.line++
	row, err := s.rows.Columns()
	return row, s.line, err
}

func (s *xlsxSource) Close() error { return s.rows.Close() }
