package awards

import (
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/store"
)

// Service grants, revokes and reads recognition. It keeps nothing in memory
// between calls: the ledger is the truth, so replicas share it.
type Service struct {
	St      store.Store
	KPI     *kpi.Repo
	Cfg     config.Awards
	Targets config.Targets
	Weights map[string]float64 // composite score weights (kpi.star_weights)
	// Teams are the teams' own metric sets, targets and titles by team id;
	// a team missing here is judged on everything by the global settings.
	Teams map[string]config.Team
}

// TeamMap indexes the teams' configuration by id for Service.Teams.
func TeamMap(teams []config.Team) map[string]config.Team {
	out := make(map[string]config.Team, len(teams))
	for _, t := range teams {
		out[t.ID] = t
	}
	return out
}

// TeamTargets are a team's targets (see kpi.TeamTargets).
func (s *Service) TeamTargets(team string) config.Targets {
	return kpi.TeamTargets(s.Targets, s.Teams[team])
}

// TeamTitles are a team's monthly titles (see config.Awards.TitlesFor).
func (s *Service) TeamTitles(team string) []config.AwardTitle {
	return s.Cfg.TitlesFor(s.Teams[team])
}

// TeamWeights are a team's composite score weights.
func (s *Service) TeamWeights(team string) map[string]float64 {
	return kpi.TeamWeights(s.Weights, s.Teams[team])
}

// New returns a Service over st with the given configuration.
func New(st store.Store, cfg config.Awards, targets config.Targets, weights map[string]float64) *Service {
	return &Service{St: st, KPI: kpi.NewRepo(st), Cfg: cfg, Targets: targets, Weights: weights}
}
