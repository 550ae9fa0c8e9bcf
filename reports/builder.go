package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/store"
)

// ContentType is the MIME type of the workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Sheet names, in workbook order.
const (
	SheetOverview  = "概览"
	SheetAgents    = "客服明细"
	SheetDaily     = "每日数据"
	SheetRanking   = "排行榜"
	SheetLessons   = "微课堂"
	SheetKnowledge = "知识众筹"
	SheetAwards    = "荣誉勋章"
	SheetEval      = "三维绩效"
	SheetTalks     = "面谈"
)

// Sheets lists the sheet names in workbook order.
var Sheets = []string{SheetOverview, SheetAgents, SheetDaily, SheetRanking, SheetLessons, SheetKnowledge, SheetAwards, SheetEval, SheetTalks}

// ErrNoData means the period has no KPI data for the request.
var ErrNoData = errors.New("reports: no data in the period")

// Builder builds workbooks. KPI is required; everything else is optional.
type Builder struct {
	KPI     *kpi.Repo
	Points  store.Store    // the "points" ledger; nil leaves the 积分榜 out
	Targets config.Targets // nil means kpi.DefaultTargets
	// Teams are the teams' own metric sets and targets by id (see
	// kpi.TeamTargets); a team missing here is judged by Targets as is.
	Teams       map[string]config.Team
	StarWeights map[string]float64 // composite score; nil means config.DefaultStarWeights
	Weights     Weights            // 三维绩效; zero means DefaultWeights
	Lessons     LessonStats
	Knowledge   KnowledgeStats
	Awards      AwardStats
	Talks       TalkStats
	Now         func() time.Time
	Log         *slog.Logger
	TmpDir      string // where excelize spills large sheets (created if needed); "" is the system's
}

// fastZip compresses at flate.BestSpeed: about three times faster than the
// default level on the per-day sheet, for a file some 20% larger. The
// compressors are pooled (a flate writer is about 1 MB).
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		if fw, ok := flatePool.Get().(*flate.Writer); ok {
			fw.Reset(out)
			return pooledFlate{fw}, nil
		}
		fw, err := flate.NewWriter(out, flate.BestSpeed)
		return pooledFlate{fw}, err
	})
	return zw
}

var flatePool sync.Pool

type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flatePool.Put(p.Writer)
	return err
}

// Built tells the caller what a workbook holds.
type Built struct {
	Teams   int
	Agents  int // agents with data
	Days    int // days with data
	Records int // agent-days
}

// Bytes builds the workbook in memory.
func (b *Builder) Bytes(ctx context.Context, req *Request) ([]byte, *Built, error) {
	var buf bytes.Buffer
	sum, err := b.Write(ctx, req, &buf)
	if err != nil {
		return nil, sum, err
	}
	return buf.Bytes(), sum, nil
}

// Write builds the workbook and writes it to w. It returns ErrNoData (and
// writes nothing) when no team has KPI data in the period.
func (b *Builder) Write(ctx context.Context, req *Request, w io.Writer) (*Built, error) {
	if b.KPI == nil {
		return nil, errors.New("reports: no KPI repository")
	}
	if len(req.Teams) == 0 {
		return nil, errors.New("reports: no team")
	}
	if b.TmpDir != "" {
		// excelize spills sheets over 16 MB there.
		if err := os.MkdirAll(b.TmpDir, 0o700); err != nil {
			return nil, fmt.Errorf("reports: temporary folder: %w", err)
		}
	}
	f := excelize.NewFile(excelize.Options{TmpDir: b.TmpDir})
	defer f.Close()
	f.SetZipWriter(fastZip)
	if err := f.SetSheetName("Sheet1", SheetOverview); err != nil {
		return nil, err
	}
	for _, s := range Sheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	data, sum, err := b.scan(ctx, f, st, req)
	if err != nil {
		return sum, err
	}
	if sum.Records == 0 {
		return sum, ErrNoData
	}
	for _, d := range data {
		b.evaluate(d)
		states, err := b.KPI.Incomplete(ctx, d.team.ID, req.FromDate(), req.ToDate())
		if err != nil {
			return sum, err
		}
		d.incomplete = kpi.IncompleteNotice(states)
	}
	x, err := b.extras(ctx, req, data)
	if err != nil {
		return sum, err
	}
	for _, step := range []func() error{
		func() error { return b.overview(f, st, req, data) },
		func() error { return b.agentsSheet(f, st, req, data) },
		func() error { return b.ranking(f, st, req, data, x) },
		func() error { return b.lessonSheet(f, st, req, data, x) },
		func() error { return b.knowledgeSheet(f, st, req, data, x) },
		func() error { return b.awardSheet(f, st, req, data, x) },
		func() error { return b.evalSheet(f, st, req, data, x) },
		func() error { return b.talkSheet(f, st, req, data, x) },
	} {
		if err := step(); err != nil {
			return sum, err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return sum, fmt.Errorf("reports: write workbook: %w", err)
	}
	return sum, nil
}

func (b *Builder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Builder) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}

// teamRules are the targets the overview compares against: the team's, or
// the agent's own when the report is about one agent.
func (b *Builder) teamRules(req *Request, d *teamData) map[string]float64 {
	if req.Agent != "" {
		return kpi.RulesFor(b.targets(d), d.level(req.Agent))
	}
	return kpi.RulesFor(b.targets(d), kpi.LevelTeam)
}

// targets are the targets of d's team.
func (b *Builder) targets(d *teamData) config.Targets {
	if t, ok := b.Teams[d.team.ID]; ok {
		return kpi.TeamTargets(b.Targets, t)
	}
	return b.Targets
}
