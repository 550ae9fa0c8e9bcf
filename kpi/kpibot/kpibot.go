// Package kpibot is the KPI feature's chat side that is not a command: the
// morning summary posted into each team's group (with the misses sent to
// the supervisors privately) and the bad-review alert. The /kpi command is
// in handlers; both read the same kpi.Repo and config.
package kpibot

import (
	"context"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
)

// KPI runs the KPI jobs.
type KPI struct {
	Repo    *kpi.Repo
	Targets config.Targets
	Weights map[string]float64
	Alerts  kpi.AlertOptions
}

// People adapts the directory for chat summaries.
type People struct{ Dir *bot.Directory }

// Name is the member's name, or id for someone not on the roster.
func (p People) Name(id string) string {
	if m := p.Dir.Member(id); m != nil {
		return m.Name
	}
	return id
}

// Level is the member's KPI level (senior or agent).
func (p People) Level(id string) string {
	if m := p.Dir.Member(id); m != nil && p.Dir.LevelOf(m) == kpi.LevelSenior {
		return kpi.LevelSenior
	}
	return kpi.LevelAgent
}

// IncompleteNote warns about the months of [from, to] whose import was cut
// off ("9月数据导入未完成，请重新导入") or is still writing, followed by a
// blank line; "" when every month is complete.
func IncompleteNote(ctx context.Context, repo *kpi.Repo, teamID, from, to string) (string, error) {
	states, err := repo.Incomplete(ctx, teamID, from, to)
	if err != nil {
		return "", err
	}
	if n := kpi.IncompleteNotice(states); n != "" {
		return n + "\n\n", nil
	}
	return "", nil
}
