package knowledge

import (
	"context"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/points"
)

// Reasons of knowledge points.
const (
	ReasonApproved  = "knowledge_approved"   // a submission was approved
	ReasonVerified  = "knowledge_verified"   // an entry due for re-verification was verified
	ReasonQuizDraft = "knowledge_quiz_draft" // an entry was turned into a quiz draft
)

// award appends points once per idempotency key.
func (s *Service) award(ctx context.Context, team, member string, n int64, reason string, id int64, idem string, at time.Time) error {
	if n == 0 || member == "" {
		return nil
	}
	return points.Append(ctx, s.st, idem, points.Entry{Member: member, Team: team, Points: int(n), Reason: reason,
		Source: "knowledge", Ref: fmt.Sprintf("knowledge:%s:%d", team, id), At: at})
}

// Points sums the knowledge points of a team's members in [from, to).
func (s *Service) Points(ctx context.Context, team string, from, to time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	err := points.Scan(ctx, s.st, func(p *points.Entry) error {
		if p.Source != "knowledge" || p.Team != team {
			return nil // other features' entries
		}
		if !p.At.Before(from) && p.At.Before(to) {
			out[p.Member] += int64(p.Points)
		}
		return nil
	})
	return out, err
}
