package handlers

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/reports"
)

// KnowledgeStats gives the monthly workbook its 知识众筹 sheet from the
// knowledge entries' histories.
type KnowledgeStats struct{ Svc *knowledge.Service }

var _ reports.KnowledgeStats = KnowledgeStats{}

// KnowledgeSheet lists each submitter's submissions, approvals and
// rejections in a team's knowledge base in [from, to].
func (k KnowledgeStats) KnowledgeSheet(ctx context.Context, team string, from, to time.Time) ([]reports.KnowledgeRow, error) {
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
