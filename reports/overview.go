package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/kpi"
)

// Overview layout: the figures table starts at overviewHeader; the daily
// trend follows below it.
const overviewHeader = 5

// trendMetrics are the daily trend's columns on 概览 (after 日期 and 团队).
var trendMetrics = []metric{
	metrics[0], // 接待人数
	metrics[3], // 询单转化率
	metrics[7], // 满意率
	metrics[8], // 差评率
	metrics[9], // 首次响应时间
	metrics[10],
	metrics[4], // 销售额
}

// overview writes 概览: each team (or the one agent) against each target,
// misses marked, then the daily trend with line charts. It is small, so it is
// written cell by cell rather than streamed.
func (b *Builder) overview(f *excelize.File, st *styles, req *Request, data []*teamData) error {
	sh := SheetOverview
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sh, cell, cell, style)
		}
		return nil
	}
	var names []string
	for _, d := range data {
		names = append(names, Text(d.team.Name))
	}
	subject := strings.Join(names, "、")
	if req.Agent != "" && len(data) == 1 {
		subject = data[0].name(req.Agent) + " · " + subject
	}
	if err := set("A1", fmt.Sprintf("班组报表 · %s · %s", subject, req.Label), st.title); err != nil {
		return err
	}
	ndays := 0
	agents, meeting := 0, 0
	for _, d := range data {
		ndays = max(ndays, len(d.days))
		for _, id := range d.order {
			if d.rep.Agents[id] != nil {
				agents++
				if d.meets[id] {
					meeting++
				}
			}
		}
	}
	sub := fmt.Sprintf("统计区间 %s 至 %s（%d 天有数据）· 生成于 %s · 比率为合计分子 ÷ 合计分母",
		req.FromDate(), req.ToDate(), ndays, b.now().Format("2006-01-02 15:04"))
	if err := set("A2", sub, st.subtitle); err != nil {
		return err
	}
	if err := set("A3", fmt.Sprintf("有数据的客服 %d 人，全部目标达标 %d 人；红色为未达标，客服逐项见“客服明细”。", agents, meeting), st.note); err != nil {
		return err
	}

	var warnings []string
	for _, d := range data {
		if d.incomplete == "" {
			continue
		}
		w := strings.ReplaceAll(d.incomplete, "\n", "；")
		if len(data) > 1 {
			w = Text(d.team.Name) + "：" + w
		}
		warnings = append(warnings, w)
	}
	if len(warnings) > 0 {
		if err := set("A4", strings.Join(warnings, "；"), st.bad); err != nil {
			return err
		}
	}

	header := []string{"团队", "指标", "实际", "目标", "达标情况", "达标客服"}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, overviewHeader)
		if err := set(cell, h, st.header); err != nil {
			return err
		}
	}
	row := overviewHeader
	for _, d := range data {
		rules := b.teamRules(req, d)
		checks := checksByRule(kpi.Evaluate(&d.rep.Total, rules))
		for _, m := range usedMetrics(&d.rep.Total) {
			row++
			v, _ := m.get(&d.rep.Total)
			r := func(c int) string { s, _ := excelize.CoordinatesToCellName(c, row); return s }
			style := st.plain[m.kind]
			if missed(m, checks) {
				style = st.miss[m.kind]
			}
			if err := set(r(1), Text(d.team.Name), 0); err != nil {
				return err
			}
			if err := set(r(2), m.title, 0); err != nil {
				return err
			}
			if err := set(r(3), v, style); err != nil {
				return err
			}
			c, has := checks[m.rule]
			status, sstyle := "无目标", 0
			if has {
				if err := set(r(4), c.Target, st.plain[m.kind]); err != nil {
					return err
				}
				need := "要求 " + map[string]string{kpi.OpLE: "≤", kpi.OpLT: "<", kpi.OpGE: "≥"}[c.Op] + " 目标"
				if c.OK {
					status, sstyle = "✓ 达标（"+need+"）", st.ok
				} else {
					status, sstyle = "✗ 未达标（"+need+"）", st.bad
				}
				if req.Agent == "" && m.rule != "" {
					met, with := 0, 0
					for _, id := range d.order {
						if ac, ok := d.checks[id][m.rule]; ok && !ac.NoData {
							with++
							if ac.OK {
								met++
							}
						}
					}
					if with > 0 {
						if err := set(r(6), fmt.Sprintf("%d / %d", met, with), 0); err != nil {
							return err
						}
					}
				}
			}
			if err := set(r(5), status, sstyle); err != nil {
				return err
			}
		}
		// Targets without any data are listed so a manager sees what is not measured.
		for _, m := range metrics {
			c, has := checks[m.rule]
			if m.rule == "" || !has || !c.NoData {
				continue
			}
			row++
			r := func(col int) string { s, _ := excelize.CoordinatesToCellName(col, row); return s }
			for col, v := range []any{Text(d.team.Name), m.title, nil, c.Target, "无数据"} {
				if v == nil {
					continue
				}
				style := 0
				if col == 3 {
					style = st.plain[m.kind]
				}
				if err := set(r(col+1), v, style); err != nil {
					return err
				}
			}
		}
	}
	if err := f.AutoFilter(sh, fmt.Sprintf("A%d:F%d", overviewHeader, max(row, overviewHeader+1)), nil); err != nil {
		return err
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: overviewHeader, TopLeftCell: fmt.Sprintf("A%d", overviewHeader+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for c, w := range []float64{14, 14, 14, 12, 22, 12, 2, 12, 12} {
		name, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(sh, name, name, w); err != nil {
			return err
		}
	}
	if err := b.trend(f, st, data, row+2); err != nil {
		return err
	}
	return printSetup(f, sh, overviewHeader)
}

// trend writes the daily trend below the figures (from row start) and one
// pair of line charts per team beside it.
func (b *Builder) trend(f *excelize.File, st *styles, data []*teamData, start int) error {
	sh := SheetOverview
	if err := f.SetCellValue(sh, fmt.Sprintf("A%d", start), "每日趋势"); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, fmt.Sprintf("A%d", start), fmt.Sprintf("A%d", start), st.title); err != nil {
		return err
	}
	hdr := start + 1
	titles := []string{"日期", "团队"}
	for _, m := range trendMetrics {
		titles = append(titles, m.title)
	}
	for i, h := range titles {
		cell, _ := excelize.CoordinatesToCellName(i+1, hdr)
		if err := f.SetCellValue(sh, cell, h); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, cell, cell, st.header); err != nil {
			return err
		}
	}
	row := hdr
	chartCol, _ := excelize.ColumnNumberToName(len(titles) + 2)
	for i, d := range data {
		first := row + 1
		for _, day := range d.days {
			row++
			date, err := time.Parse(time.DateOnly, day.Date)
			if err != nil {
				return err
			}
			vals := []any{date, Text(d.team.Name)}
			for _, m := range trendMetrics {
				if v, ok := m.get(&day.Totals); ok {
					vals = append(vals, v)
				} else {
					vals = append(vals, nil)
				}
			}
			if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", row), &vals); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sh, fmt.Sprintf("A%d", first), fmt.Sprintf("A%d", row), st.plain[kDate]); err != nil {
			return err
		}
		for k, m := range trendMetrics {
			c, _ := excelize.ColumnNumberToName(k + 3)
			if err := f.SetCellStyle(sh, fmt.Sprintf("%s%d", c, first), fmt.Sprintf("%s%d", c, row), st.plain[m.kind]); err != nil {
				return err
			}
		}
		if row < first+1 {
			continue // one day or none: no trend to draw
		}
		if err := b.trendCharts(f, d, first, row, fmt.Sprintf("%s%d", chartCol, overviewHeader+i*2*chartRows)); err != nil {
			return err
		}
	}
	return nil
}

// Trend charts: chartHeight pixels tall, each given chartRows rows. Excel
// rows are 20 px by default, but excelize anchors a chart as if they were
// narrower (about 18 px), and LibreOffice draws 17 px rows: chartRows leaves
// room for both, so a chart never reaches the next one's anchor.
const (
	chartWidth  = 640
	chartHeight = 300
	chartRows   = 20
)

// axisSkip is how many day labels to skip so about eight show.
func axisSkip(days int) int { return max(1, (days+7)/8) }

// trendCharts adds the rate chart and the response-time chart of one team's
// trend rows [first, last], the first at cell.
func (b *Builder) trendCharts(f *excelize.File, d *teamData, first, last int, cell string) error {
	sh := SheetOverview
	ref := func(c string) string { return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sh, c, first, c, last) }
	cats := ref("A")
	series := func(cols ...string) []excelize.ChartSeries {
		var out []excelize.ChartSeries
		for _, c := range cols {
			out = append(out, excelize.ChartSeries{
				Name:       fmt.Sprintf("'%s'!$%s$%d", sh, c, first-1),
				Categories: cats,
				Values:     ref(c),
				Marker:     excelize.ChartMarker{Symbol: "circle", Size: 4},
			})
		}
		return out
	}
	title := func(s string) excelize.ChartTitle {
		return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s}}}
	}
	// Columns: C 接待人数, D 询单转化率, E 满意率, F 差评率, G 首响, H 平响, I 销售额.
	rates := &excelize.Chart{
		Type:         excelize.Line,
		Series:       series("D", "E", "F"),
		Title:        title(Text(d.team.Name) + " · 每日转化率、满意率、差评率"),
		Legend:       excelize.ChartLegend{Position: "bottom"},
		YAxis:        excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		XAxis:        excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "m/d"}, TickLabelSkip: axisSkip(last - first + 1)},
		Dimension:    excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		ShowBlanksAs: "gap",
	}
	if err := f.AddChart(sh, cell, rates); err != nil {
		return err
	}
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		return err
	}
	below, _ := excelize.CoordinatesToCellName(col, row+chartRows)
	times := &excelize.Chart{
		Type:         excelize.Line,
		Series:       series("G", "H"),
		Title:        title(Text(d.team.Name) + " · 每日首次响应与平均响应（秒）"),
		Legend:       excelize.ChartLegend{Position: "bottom"},
		YAxis:        excelize.ChartAxis{MajorGridLines: true, Title: title("秒")},
		XAxis:        excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "m/d"}, TickLabelSkip: axisSkip(last - first + 1)},
		Dimension:    excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		ShowBlanksAs: "gap",
	}
	return f.AddChart(sh, below, times)
}
