package knowledgebot

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// Stats gives the monthly workbook its 知识众筹 sheet from the knowledge
// entries' histories.
type Stats struct{ Svc *knowledge.Service }

var _ reports.KnowledgeStats = Stats{}

// KnowledgeSheet lists each submitter's submissions, approvals and
// rejections in a team's knowledge base in [from, to].
func (k Stats) KnowledgeSheet(ctx context.Context, team string, from, to time.Time) ([]reports.KnowledgeRow, error) {
	acts, err := k.Svc.Activity(ctx, team, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]reports.KnowledgeRow, 0, len(acts))
	for _, a := range acts {
		out = append(out, reports.KnowledgeRow{Member: a.Member, Submitted: a.Submitted, Approved: a.Approved, Rejected: a.Rejected})
	}
	return out, nil
}

// DemoSeeder is the "knowledge" demo seeder: the demo knowledge base in st,
// with the service's rules, as of now().
func (k *Knowledge) DemoSeeder(st store.Store, now func() time.Time) demo.Seeder {
	return demo.Seeder{Name: "knowledge", Seed: func(ctx context.Context, b *bot.Bot) error {
		name := func(id string) string {
			if m := b.Directory.Member(id); m != nil {
				return m.Name
			}
			return id
		}
		return knowledge.SeedDemo(ctx, st, k.Svc.Settings(), now(), name)
	}}
}
