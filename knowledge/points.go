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
