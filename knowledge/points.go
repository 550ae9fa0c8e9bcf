package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// PointsLedger is the append-only ledger every feature records points in.
const PointsLedger = "points"

// Reasons of knowledge points.
const (
	ReasonApproved  = "knowledge_approved"   // a submission was approved
	ReasonVerified  = "knowledge_verified"   // an entry due for re-verification was verified
	ReasonQuizDraft = "knowledge_quiz_draft" // an entry was turned into a quiz draft
)

// PointsEntry is one line of the "points" ledger as knowledge writes it. The
// recognition feature sums these; an approval (Reason knowledge_approved)
// also counts toward 知识贡献王.
type PointsEntry struct {
	Member string    `json:"member"`
	Team   string    `json:"team"`
	Points int64     `json:"points"`
	Reason string    `json:"reason"`
	Source string    `json:"source"` // always "knowledge"
	Ref    string    `json:"ref"`    // "knowledge:team:id"
	At     time.Time `json:"at"`
}

// award appends points once per idempotency key.
func (s *Service) award(ctx context.Context, team, member string, points int64, reason string, id int64, idem string, at time.Time) error {
	if points == 0 || member == "" {
		return nil
	}
	v, err := json.Marshal(PointsEntry{Member: member, Team: team, Points: points, Reason: reason, Source: "knowledge",
		Ref: fmt.Sprintf("knowledge:%s:%d", team, id), At: at})
	if err != nil {
		return err
	}
	_, _, err = s.st.Append(ctx, PointsLedger, idem, v)
	return err
}

// Points sums the knowledge points of a team's members in [from, to).
func (s *Service) Points(ctx context.Context, team string, from, to time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.st.Ledger(ctx, PointsLedger, 0, func(_ int64, v []byte) error {
		var p PointsEntry
		if json.Unmarshal(v, &p) != nil || p.Source != "knowledge" || p.Team != team {
			return nil // other features' entries
		}
		if !p.At.Before(from) && p.At.Before(to) {
			out[p.Member] += p.Points
		}
		return nil
	})
	return out, err
}
