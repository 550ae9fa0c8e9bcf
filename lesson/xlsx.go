package lesson

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/xlsxguard"
	"github.com/xuri/excelize/v2"
)

// Workbook sheets and their columns.
const (
	SheetLessons   = "课程"
	SheetQuestions = "题目"
)

var (
	lessonCols   = []string{"编号", "主题", "分类", "标签", "知识点", "案例", "讨论"}
	questionCols = []string{"课程编号", "题号", "题型", "题目", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析"}
)

// MarshalXLSX writes lessons as a workbook of two sheets, 课程 and 题目.
// Answers are letters ("A,C"), 对/错, or fill-in answers separated by "|".
func MarshalXLSX(lessons []*Lesson) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetLessons); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(SheetQuestions); err != nil {
		return nil, err
	}
	row := func(sheet string, r int, vals []string) error {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		v := make([]any, len(vals))
		for i := range vals {
			v[i] = vals[i]
		}
		return f.SetSheetRow(sheet, cell, &v)
	}
	if err := row(SheetLessons, 1, lessonCols); err != nil {
		return nil, err
	}
	if err := row(SheetQuestions, 1, questionCols); err != nil {
		return nil, err
	}
	qr := 2
	for i, l := range lessons {
		if err := row(SheetLessons, i+2, []string{l.ID, l.Topic, l.Category, strings.Join(l.Tags, ","), l.Knowledge, l.Case, l.Prompt}); err != nil {
			return nil, err
		}
		for _, q := range l.Questions {
			vals := []string{l.ID, q.ID, q.Type.Label(), q.Text}
			for k := 0; k < MaxOptions; k++ {
				o := ""
				if k < len(q.Options) {
					o = q.Options[k]
				}
				vals = append(vals, o)
			}
			sep := ","
			if q.Type == Fill {
				sep = "|"
			}
			vals = append(vals, strings.Join(q.Answer, sep), q.Explanation)
			if err := row(SheetQuestions, qr, vals); err != nil {
				return nil, err
			}
			qr++
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ParseXLSX reads a workbook written by MarshalXLSX (or by hand in the same
// layout). Errors name the sheet and row.
func ParseXLSX(name string, data []byte) ([]*Lesson, error) {
	f, err := xlsxguard.Open(bytes.NewReader(data), int64(len(data)), name)
	var bomb *xlsxguard.Error
	if errors.As(err, &bomb) {
		return nil, &ImportError{File: name, Errors: []RowError{{"文件", bomb.Msg}}}
	}
	if err != nil {
		return nil, &ImportError{File: name, Errors: []RowError{{"文件", "不是有效的 Excel 文件（.xlsx）：" + err.Error()}}}
	}
	defer f.Close()
	var errs []RowError
	lrows, err1 := f.GetRows(SheetLessons)
	qrows, err2 := f.GetRows(SheetQuestions)
	if err1 != nil || err2 != nil {
		return nil, &ImportError{File: name, Errors: []RowError{{"文件", fmt.Sprintf("需要两个工作表：%s 和 %s", SheetLessons, SheetQuestions)}}}
	}
	cell := func(r []string, i int) string {
		if i < len(r) {
			return strings.TrimSpace(r[i])
		}
		return ""
	}
	var lessons []*Lesson
	lessonRow := map[string]int{}
	byID := map[string]*Lesson{}
	for i, r := range lrows {
		if i == 0 || strings.Join(r, "") == "" {
			continue
		}
		l := &Lesson{ID: cell(r, 0), Topic: cell(r, 1), Category: cell(r, 2), Knowledge: cell(r, 4), Case: cell(r, 5), Prompt: cell(r, 6)}
		for _, t := range strings.FieldsFunc(cell(r, 3), func(c rune) bool { return c == ',' || c == '，' || c == '、' }) {
			l.Tags = append(l.Tags, strings.TrimSpace(t))
		}
		lessons = append(lessons, l)
		lessonRow[l.ID] = i + 1
		byID[l.ID] = l
	}
	qRow := map[*Lesson][]int{}
	for i, r := range qrows {
		if i == 0 || strings.Join(r, "") == "" {
			continue
		}
		where := fmt.Sprintf("%s 第 %d 行", SheetQuestions, i+1)
		l := byID[cell(r, 0)]
		if l == nil {
			errs = append(errs, RowError{where, fmt.Sprintf("课程编号 %q 不在%s表里", cell(r, 0), SheetLessons)})
			continue
		}
		qt, ok := ParseQType(cell(r, 2))
		if !ok {
			errs = append(errs, RowError{where, fmt.Sprintf("题型 %q 不认识（单选、多选、判断、填空）", cell(r, 2))})
			continue
		}
		q := Question{ID: cell(r, 1), Type: qt, Text: cell(r, 3), Explanation: cell(r, 11)}
		for k := 0; k < MaxOptions; k++ {
			if o := cell(r, 4+k); o != "" {
				q.Options = append(q.Options, o)
			}
		}
		ans := cell(r, 10)
		split := func(c rune) bool { return c == ',' || c == '，' || c == '、' || c == ' ' }
		if qt == Fill {
			split = func(c rune) bool { return c == '|' || c == '｜' }
		}
		for _, a := range strings.FieldsFunc(ans, split) {
			if a = strings.TrimSpace(a); a != "" {
				q.Answer = append(q.Answer, a)
			}
		}
		if (qt == Single || qt == Multiple) && len(q.Answer) == 1 && len([]rune(q.Answer[0])) > 1 {
			// "AC" written without separators
			var letters []string
			for _, c := range q.Answer[0] {
				letters = append(letters, string(c))
			}
			q.Answer = letters
		}
		l.Questions = append(l.Questions, q)
		qRow[l] = append(qRow[l], i+1)
	}
	errs = append(errs, Check(lessons, func(li, qi int) string {
		l := lessons[li]
		if qi >= 0 && qi < len(qRow[l]) {
			return fmt.Sprintf("%s 第 %d 行", SheetQuestions, qRow[l][qi])
		}
		return fmt.Sprintf("%s 第 %d 行", SheetLessons, lessonRow[l.ID])
	})...)
	if len(errs) > 0 {
		return nil, &ImportError{File: name, Errors: errs}
	}
	return lessons, nil
}

// Parse reads a lesson file by its name's extension (.xlsx or YAML).
func Parse(name string, data []byte) ([]*Lesson, error) {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return ParseXLSX(name, data)
	}
	return ParseYAML(name, data)
}
