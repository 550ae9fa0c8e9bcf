package reports

import (
	"context"
	"strings"
	"time"
)

// Team is one team in a report, with the roster that names its agents.
type Team struct {
	ID      string
	Name    string
	Members []Member
}

// Member is one person on a team's roster.
type Member struct {
	ID    string
	Name  string
	Level string // "agent" or "senior": which targets apply
	Agent bool   // an agent (not a supervisor or manager): listed even without data
}

// Request says what a workbook covers.
type Request struct {
	Teams    []Team
	From, To time.Time // inclusive days
	Label    string    // period label for titles, e.g. "2026年10月"
	Agent    string    // one member id, or "" for every agent
	// Private: the workbook goes to supervisors and managers only (a
	// private chat, a file on disk), so the 面谈 sheet shows what was said.
	Private bool
}

// FromDate and ToDate are the bounds as YYYY-MM-DD.
func (r *Request) FromDate() string { return r.From.Format(time.DateOnly) }

// ToDate is the last day as YYYY-MM-DD.
func (r *Request) ToDate() string { return r.To.Format(time.DateOnly) }

// LessonRow is one agent's micro-lesson results over a period.
type LessonRow struct {
	Member   string   // member id
	Lessons  int      // lessons held for the team in the period
	Attended int      // lessons the agent took part in
	Answered int      // quiz answers given
	Correct  int      // correct answers
	Weak     []string // topics answered wrong most, worst first
}

// LessonStats provides the 微课堂 sheet (the lesson feature implements it).
type LessonStats interface {
	LessonSheet(ctx context.Context, team string, from, to time.Time) ([]LessonRow, error)
}

// KnowledgeRow is one member's knowledge contributions over a period.
type KnowledgeRow struct {
	Member    string // member id
	Submitted int
	Approved  int
	Rejected  int
}

// KnowledgeStats provides the 知识众筹 sheet (the knowledge feature implements it).
type KnowledgeStats interface {
	KnowledgeSheet(ctx context.Context, team string, from, to time.Time) ([]KnowledgeRow, error)
}

// AwardRow is one award, badge or title given in a period.
type AwardRow struct {
	Member string // member id
	Award  string // e.g. 服务之星、青铜勋章、伯乐奖
	Date   time.Time
	Reason string
	Points int
	// FromKPI marks a grant decided by the KPI figures (a KPI title, a
	// bronze badge): 三维绩效 counts it under 服务指标, not again in 团队贡献.
	FromKPI bool
}

// AwardStats provides the 荣誉勋章 sheet (the recognition feature implements it).
type AwardStats interface {
	AwardSheet(ctx context.Context, team string, from, to time.Time) ([]AwardRow, error)
}

// Weights weigh the three dimensions of 三维绩效. Zero weights drop a
// dimension; all zero means DefaultWeights.
type Weights struct {
	Service  float64 // service metrics (KPI composite)
	Learning float64 // lessons and quiz accuracy
	Team     float64 // knowledge, mentoring, awards
}

// DefaultWeights is 60% service, 20% learning, 20% team contribution.
func DefaultWeights() Weights { return Weights{Service: 0.6, Learning: 0.2, Team: 0.2} }

// Text neutralises text that came from users before it goes into a cell:
// a leading =, +, -, @ (or a tab or carriage return) gets a ' in front so no
// spreadsheet program ever reads the cell as a formula.
func Text(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	if strings.HasPrefix(s, "＝") || strings.HasPrefix(s, "＋") || strings.HasPrefix(s, "－") || strings.HasPrefix(s, "＠") {
		return "'" + s
	}
	return s
}
