package kpi

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of the importer; the errors returned wrap one of them and
// carry a Simplified Chinese message for users.
var (
	ErrEmptyFile     = errors.New("文件为空")
	ErrUnknownFormat = errors.New("无法识别的文件格式")
	ErrNoHeader      = errors.New("找不到表头")
	ErrBadValue      = errors.New("数值无法识别")
	ErrTooLarge      = errors.New("文件过大")
	ErrNoDate        = errors.New("缺少日期")
	ErrBadOption     = errors.New("导入参数有误")
	ErrNoFile        = errors.New("文件无法打开")
)

// ImportError is a user-facing import failure.
type ImportError struct {
	Kind error  // one of the Err* sentinels
	Msg  string // Simplified Chinese, complete sentence(s)
}

// Error returns the Chinese message.
func (e *ImportError) Error() string { return e.Msg }

// Unwrap returns the sentinel, for errors.Is.
func (e *ImportError) Unwrap() error { return e.Kind }

func importErr(kind error, format string, args ...any) error {
	return &ImportError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// RowError is one cell that could not be parsed.
type RowError struct {
	Row    int    // 1-based row number in the file (sheet row or CSV line)
	Column string // column title as written in the file
	Value  string // the cell as written
	Msg    string // Simplified Chinese
}

// Error returns the Chinese message.
func (e RowError) Error() string { return e.Msg }

// maxRowErrors bounds the row errors kept in a Summary.
const maxRowErrors = 50

// valueErrors builds the error returned when rows had bad values.
func valueErrors(errs []RowError, total int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "有 %d 处数值无法识别，未导入任何数据：", total)
	for i, e := range errs {
		if i == 3 {
			fmt.Fprintf(&b, "；等")
			break
		}
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(e.Msg)
	}
	return &ImportError{Kind: ErrBadValue, Msg: b.String()}
}
