package app

import (
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/knowledge/knowledgebot"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// Knowledge crowdsourcing: /submit, /ask, /kb, review, re-verification
// (handlers) and the weekly jobs and demo data (knowledge/knowledgebot). The
// service keeps a search cache (checked against the store), so the App
// builds it once and commands, jobs, the lesson runner, the console pages and
// the report share it.
func knowledgeFeature(h *handlers.Knowledge, b *bot.Bot, st store.Store, cfg *config.Config, now func() time.Time) Feature {
	f := cfg.Growth.Feedback
	k := &knowledgebot.Knowledge{Svc: h.Svc,
		Prune: knowledge.PruneRules{IdleDays: f.IdleDays, MinVotes: f.MinVotes, PoorShare: f.PoorShare, RetireShare: f.RetireShare}}
	return Feature{
		Name:     "knowledge",
		Commands: h.Commands(),
		Jobs:     k.Jobs(b),
		Seeders:  []demo.Seeder{k.DemoSeeder(st, now)},
	}
}

// KnowledgeSettings turns the config's knowledge section into the knowledge
// base's rules.
func KnowledgeSettings(c config.Knowledge) knowledge.Settings {
	return knowledge.Settings{
		VerifyDays:      c.VerifyDays,
		DueSoonDays:     c.DueSoonDays,
		MaxQuestion:     c.MaxQuestion,
		MaxAnswer:       c.MaxAnswer,
		MaxSimilar:      c.MaxSimilar,
		MaxTags:         c.MaxTags,
		MaxTag:          c.MaxTag,
		MaxReason:       c.MaxReason,
		MaxPending:      c.MaxPending,
		TopUnanswered:   c.TopUnanswered,
		UnansweredDays:  c.UnansweredDays,
		HintMin:         c.HintMin,
		AskMergeMin:     c.AskMergeMin,
		AnswerLinkMin:   c.AnswerLinkMin,
		ApprovePoints:   int64(c.Points.Approve),
		VerifyPoints:    int64(c.Points.Verify),
		QuizDraftPoints: int64(c.Points.QuizDraft),
	}
}

// newKnowledge is the knowledge handler, built from config; now is the
// app's clock in the configured time zone.
func newKnowledge(st store.Store, cfg *config.Config, now func() time.Time) *handlers.Knowledge {
	svc := knowledge.New(st, KnowledgeSettings(cfg.Knowledge), now)
	return &handlers.Knowledge{Svc: svc, Words: newWording(st, cfg.Growth.Wording, svc), Bank: lesson.NewRepo(st)}
}

// KnowledgeStats provides the workbook's 知识众筹 sheet (for ReportBuilder).
func (a *App) KnowledgeStats() reports.KnowledgeStats {
	return knowledgebot.Stats{Svc: a.knowledge.Svc}
}

// KnowledgeService is the App's knowledge base, with the configured rules
// (banzu export knowledge reads it).
func (a *App) KnowledgeService() *knowledge.Service { return a.knowledge.Svc }
