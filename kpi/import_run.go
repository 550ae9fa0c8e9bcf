package kpi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// maxUnknownNames bounds the distinct unknown accounts listed in a Summary.
const maxUnknownNames = 1000

// run reads the data rows, stages their records and, when every row parsed,
// writes them to the sink.
func (im *Importer) run(ctx context.Context, src rowSource, hdr *headerInfo, cfg *importConfig, opt Options, sum *Summary, prog *progress) (*Summary, error) {
	sum.Preset, sum.PresetLabel, sum.HeaderRow = hdr.preset.Name, hdr.preset.Label, hdr.row
	sum.Columns, sum.Unmapped = hdr.mapped, hdr.unmapped
	sum.Source = opt.Source
	if sum.Source == "" {
		sum.Source = sourceLabel(hdr.preset, hdr.plan)
	}
	fixedDate := cfg.date
	if hdr.dateIdx < 0 && fixedDate == 0 {
		switch {
		case hdr.periodFrom != 0 && hdr.periodFrom == hdr.periodTo:
			fixedDate = hdr.periodFrom
		case hdr.periodFrom != 0:
			return sum, importErr(ErrNoDate, "文件没有日期列，是 %s 至 %s 的汇总数据，不能按天拆分；请指定这批数据记在哪一天（导入日期）。",
				hdr.periodFrom, hdr.periodTo)
		default:
			return sum, importErr(ErrNoDate, "文件没有日期列；请指定这批数据记在哪一天（导入日期）。")
		}
	}

	now := time.Now
	if im.Now != nil {
		now = im.Now
	}
	importID := now().UnixNano()
	runSize := im.RunSize
	if runSize <= 0 {
		runSize = DefaultRunSize
	}
	sp := newSpool(im.TempDir, runSize)
	defer sp.close()

	st := rowState{
		hdr:     hdr,
		res:     newAgentResolver(im.Resolver),
		dates:   map[civil]string{},
		unknown: map[string]int{},
		sum:     sum,
	}
	for {
		row, line, err := src.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errRecordTooLong) {
			return sum, importErr(ErrUnknownFormat, "第 %d 行附近有一行超过 %d KB，多半是引号没有配对或文件已损坏；未导入任何数据，请检查该行后重新导出。",
				sum.HeaderRow+sum.RowsRead+1, maxRecordBytes>>10)
		}
		if err != nil {
			return sum, importErr(ErrUnknownFormat, "第 %d 行附近无法读取（%v），未导入任何数据。", sum.HeaderRow+sum.RowsRead+1, err)
		}
		sum.RowsRead++
		if sum.RowsRead&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			prog.reading(sum.RowsRead)
		}
		rec := sp.next()
		if !st.row(row, line, fixedDate, rec) {
			sp.drop()
			continue
		}
		rec.Team, rec.Source, rec.ImportID = opt.Team, sum.Source, importID
		if err := sp.commit(); err != nil {
			return sum, fmt.Errorf("暂存导入数据失败：%w", err)
		}
	}
	st.finishSummary()
	if sum.ErrorCount > 0 {
		return sum, valueErrors(sum.Errors, sum.ErrorCount)
	}

	// The whole file parsed: write, with the months marked as being
	// imported until the last batch is in (see inprogress.go).
	var guard *importGuard
	if tr, ok := im.Sink.(importTracker); ok && sum.Imported > 0 {
		g, err := tr.beginImport(ctx, ImportMarker{Team: opt.Team, File: sum.File, Source: sum.Source, By: im.By}, st.months())
		if err != nil {
			return sum, err
		}
		guard = g
	}
	batchSize := im.BatchSize
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	batch := make([]Record, 0, min(batchSize, sum.Imported+1))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := im.Sink.PutBatch(ctx, batch); err != nil {
			return fmt.Errorf("保存数据失败：%w", err)
		}
		sum.Records += len(batch)
		batch = batch[:0]
		prog.writing(sum.Records, sum.Imported)
		return nil
	}
	err := sp.finish(func(r *Record) error {
		r.Team, r.Source, r.ImportID = opt.Team, sum.Source, importID
		batch = append(batch, *r)
		if len(batch) >= batchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if guard != nil {
		if gerr := guard.finish(err, sum); err == nil && gerr != nil {
			// Every record is in, but the marker could not be removed:
			// the month would read as partial, so say the import failed.
			err = fmt.Errorf("数据已写入，但清除“导入中”标记失败：%w；请重新导入该文件", gerr)
		}
	}
	if err != nil {
		return sum, err
	}
	return sum, nil
}

// months returns the months of the imported dates, each with its first and
// last date.
func (st *rowState) months() map[string][2]string {
	out := map[string][2]string{}
	for _, ds := range st.dates {
		m := ds[:7]
		r, ok := out[m]
		if !ok {
			out[m] = [2]string{ds, ds}
			continue
		}
		if ds < r[0] {
			r[0] = ds
		}
		if ds > r[1] {
			r[1] = ds
		}
		out[m] = r
	}
	return out
}

// rowState is the per-import state of the row loop.
type rowState struct {
	hdr     *headerInfo
	res     *agentResolver
	dates   map[civil]string // interned date strings
	unknown map[string]int
	minD    civil
	maxD    civil
	vals    rowValues
	sum     *Summary
}

func cellAt(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return trimCell(row[i])
}

// row reads one data row into rec and reports whether it is imported; skips
// and errors are counted in the summary.
func (st *rowState) row(row []string, line int, fixedDate civil, rec *Record) bool {
	sum, h := st.sum, st.hdr
	agent := cellAt(row, h.agentIdx)
	dateCell := cellAt(row, h.dateIdx)
	switch {
	case nonEmpty(row) == 0:
		sum.Skipped[SkipBlank]++
		return false
	case isSummaryLabel(agent) || isSummaryLabel(dateCell) || isSummaryLabel(cellAt(row, h.shopIdx)):
		sum.Skipped[SkipSummary]++
		return false
	case agent == "":
		if nonEmpty(row) == 1 {
			sum.Skipped[SkipNote]++
		} else {
			sum.Skipped[SkipNoAgent]++
		}
		return false
	}
	if agent == h.agentTitle {
		sum.Skipped[SkipRepeatedTitle]++
		return false
	}

	bad := false
	day := fixedDate
	if h.dateIdx >= 0 {
		d, s := parseDate(dateCell)
		switch s {
		case cellOK:
			day = d
		case cellEmpty:
			st.addError(line, "日期", dateCell, fmt.Sprintf("第 %d 行缺少日期", line))
			bad = true
		default:
			st.addError(line, "日期", dateCell, fmt.Sprintf("第 %d 行的日期“%s”无法识别，应为%s", line, dateCell, kindDate.hint()))
			bad = true
		}
	}

	id, ok := st.res.resolve(cellAt(row, h.shopIdx), agent)
	if !ok {
		if _, seen := st.unknown[agent]; seen || len(st.unknown) < maxUnknownNames {
			st.unknown[strings.Clone(agent)]++
		}
		sum.Skipped[SkipUnknownAgent]++
		return false
	}

	rv := &st.vals
	rv.has = 0
	for i := range h.plan {
		p := &h.plan[i]
		cell := cellAt(row, p.idx)
		var s cellState
		switch p.kind {
		case kindCount:
			rv.v[p.col], s = parseCount(cell)
		case kindRate:
			rv.v[p.col], s = parseRate(cell)
		case kindMoney:
			rv.fen[p.col], s = parseMoneyFen(cell)
		case kindDuration:
			rv.v[p.col], s = parseDuration(cell, p.unit)
			if rv.v[p.col] < 0 {
				s = cellBad
			}
		}
		switch s {
		case cellOK:
			rv.has |= 1 << p.col
		case cellBad:
			st.addError(line, p.title, cell, fmt.Sprintf("第 %d 行「%s」列的值“%s”无法识别，应为%s", line, p.title, cell, p.kind.hint()))
			bad = true
		}
	}
	if bad {
		sum.ErrorRows++
		return false
	}
	buildRecord(rv, rec)
	if rec.Empty() {
		sum.Skipped[SkipNoData]++
		return false
	}
	ds, ok := st.dates[day]
	if !ok {
		ds = day.String()
		st.dates[day] = ds
		if st.minD == 0 || day < st.minD {
			st.minD = day
		}
		if day > st.maxD {
			st.maxD = day
		}
	}
	rec.Date, rec.Agent = ds, id
	sum.Imported++
	return true
}

func (st *rowState) addError(line int, col, val, msg string) {
	st.sum.ErrorCount++
	if len(st.sum.Errors) < maxRowErrors {
		st.sum.Errors = append(st.sum.Errors, RowError{Row: line, Column: col, Value: strings.Clone(val), Msg: msg})
	}
}

func (st *rowState) finishSummary() {
	sum := st.sum
	if st.minD != 0 {
		sum.From, sum.To, sum.Days = st.minD.String(), st.maxD.String(), len(st.dates)
	}
	for name, n := range st.unknown {
		sum.Unknown = append(sum.Unknown, UnknownAgent{Name: name, Rows: n})
	}
	sort.Slice(sum.Unknown, func(i, j int) bool {
		if sum.Unknown[i].Rows != sum.Unknown[j].Rows {
			return sum.Unknown[i].Rows > sum.Unknown[j].Rows
		}
		return sum.Unknown[i].Name < sum.Unknown[j].Name
	})
}
