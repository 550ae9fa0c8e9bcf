package kpi

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// colPlan says how to read one column of the data rows.
type colPlan struct {
	idx   int
	col   Column
	kind  valueKind
	title string
	unit  float64
}

// headerInfo is the header row found and what it means.
type headerInfo struct {
	preset     *Preset
	row        int
	plan       []colPlan // metric columns
	agentIdx   int
	agentTitle string
	dateIdx    int // -1 when the file has no date column
	shopIdx    int // -1 when none
	mapped     []ColumnMapping
	unmapped   []string
	// period is a "统计周期 2026-10-01 至 2026-10-31" found above the header.
	periodFrom, periodTo civil
}

// findHeader reads up to headerSearchRows rows looking for the header row and
// leaves src positioned on the first data row.
func findHeader(src rowSource, cfg *importConfig) (*headerInfo, error) {
	var before [][]string
	var widest []string
	for i := 0; i < headerSearchRows; i++ {
		row, line, err := src.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errRecordTooLong) {
			return nil, importErr(ErrUnknownFormat, "文件开头第 %d 行超过 %d KB，不像是报表（可能是引号没有配对或选错了文件）。", i+1, maxRecordBytes>>10)
		}
		if err != nil {
			return nil, importErr(ErrUnknownFormat, "第 %d 行之前的内容无法按表格读取（%v），请确认文件是 CSV 或 XLSX。", i+1, err)
		}
		if p := detectPreset(cfg.presets, cfg.extra, row); p != nil {
			h := planHeader(p, cfg.extra, row, line)
			if len(h.plan) == 0 {
				return nil, importErr(ErrNoHeader, "第 %d 行像是表头，但没有可识别的指标列（找到：%s）。", line, quoteTitles(row))
			}
			h.periodFrom, h.periodTo = findPeriod(before)
			return h, nil
		}
		if nonEmpty(row) > nonEmpty(widest) {
			widest = slices.Clone(row)
		}
		before = append(before, slices.Clone(row))
	}
	if nonEmpty(widest) == 0 {
		return nil, importErr(ErrEmptyFile, "文件里没有任何数据。")
	}
	return nil, importErr(ErrNoHeader,
		"前 %d 行里找不到表头。找到的内容：%s。需要一列客服账号（如 旺旺、客服昵称、客服账号）和至少两列指标（如 日期、接待人数、满意率、首次响应时间）；如果列名不同，请在配置里添加列映射。",
		headerSearchRows, quoteTitles(widest))
}

// planHeader maps the titles of the header row.
func planHeader(p *Preset, extra map[string]Column, row []string, line int) *headerInfo {
	h := &headerInfo{preset: p, row: line, agentIdx: -1, dateIdx: -1, shopIdx: -1}
	var taken uint64
	for i, cell := range row {
		title := trimCell(cell)
		hn := normHeader(cell)
		if hn.name == "" {
			continue
		}
		c, _, ok := p.lookup(extra, hn.name)
		if !ok {
			h.unmapped = append(h.unmapped, title)
			continue
		}
		if c == ColIgnore || taken&(1<<c) != 0 {
			continue
		}
		taken |= 1 << c
		h.mapped = append(h.mapped, ColumnMapping{Title: title, Column: c.String()})
		switch c {
		case ColAgent:
			h.agentIdx, h.agentTitle = i, title
		case ColDate:
			h.dateIdx = i
		case ColShop:
			h.shopIdx = i
		default:
			h.plan = append(h.plan, colPlan{idx: i, col: c, kind: kindOf(c), title: title, unit: hn.unit})
		}
	}
	return h
}

func nonEmpty(row []string) int {
	n := 0
	for _, c := range row {
		if trimCell(c) != "" {
			n++
		}
	}
	return n
}

func quoteTitles(row []string) string {
	var b strings.Builder
	n := 0
	for _, c := range row {
		c = trimCell(c)
		if c == "" {
			continue
		}
		if n == 15 {
			b.WriteString("…")
			break
		}
		fmt.Fprintf(&b, "「%s」", c)
		n++
	}
	if n == 0 {
		return "（空）"
	}
	return b.String()
}

// findPeriod looks for two dates in the rows above the header (京东's
// "统计周期: 2026-10-01 至 2026-10-31"); one date gives a one-day period.
func findPeriod(rows [][]string) (from, to civil) {
	var found []civil
	for _, row := range rows {
		for _, cell := range row {
			for _, tok := range strings.FieldsFunc(cell, func(r rune) bool {
				return !(r >= '0' && r <= '9' || r == '-' || r == '/' || r == '.' || r == '年' || r == '月' || r == '日')
			}) {
				if d, st := parseDate(strings.Trim(tok, "-./")); st == cellOK && len(tok) >= 8 {
					found = append(found, d)
				}
			}
		}
	}
	switch {
	case len(found) == 1:
		return found[0], found[0]
	case len(found) >= 2:
		return found[0], found[1]
	}
	return 0, 0
}

// isSummaryLabel reports whether a cell marks a summary row (店铺汇总值,
// 店铺平均值, 合计, 汇总, 平均, 总计 and variants).
func isSummaryLabel(s string) bool {
	s = trimCell(s)
	switch s {
	case "":
		return false
	case "店铺汇总值", "店铺平均值", "合计", "汇总", "平均", "总计", "平均值", "汇总值", "合计值", "总计值", "均值", "小计", "全店", "团队汇总", "团队平均":
		return true
	}
	for _, p := range [...]string{"合计", "总计", "汇总", "小计", "平均值", "店铺汇总", "店铺平均"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	for _, p := range [...]string{"汇总", "汇总值", "平均值", "合计", "总计"} {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}
