package app

import (
	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/reports/reportbot"
)

// reportFeature is /report (handlers) and the managers' monthly workbook
// (reports/reportbot).
func reportFeature(h *handlers.Report, b *bot.Bot) Feature {
	monthly := &reportbot.Monthly{Builder: h.Builder}
	return Feature{Name: "report", Commands: []*bot.Command{h.Command()}, Jobs: []*jobs.Job{monthly.Job(b)}}
}

// ReportBuilder builds workbooks from this app's store and config (the CLI's
// `banzu report` uses it too). The lesson, knowledge and recognition features
// provide the 微课堂, 知识众筹 and 荣誉勋章 sheets (and with them the learning
// and team dimensions of 三维绩效).
func (a *App) ReportBuilder() *reports.Builder {
	return &reports.Builder{
		KPI:         kpi.NewRepo(a.Store),
		Points:      a.Store,
		Targets:     a.Cfg.Targets,
		Teams:       awards.TeamMap(a.Cfg.Teams),
		StarWeights: a.Cfg.KPI.StarWeights,
		Lessons:     a.LessonStats(),
		Knowledge:   a.KnowledgeStats(),
		Awards:      a.AwardStats(),
		Talks:       a.TalkStats(),
		Weights:     a.EvalWeights(),
		Now:         a.Now,
		Log:         a.Log,
		TmpDir:      a.tmpDir,
	}
}
