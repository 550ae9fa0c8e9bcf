package app

import (
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/wording"
)

// The 话术 check: /check and /words (see package wording). The knowledge
// feature shares the checker for /submit and /review.
func wordingFeature(h *handlers.Wording) Feature {
	return Feature{Name: "wording", Commands: h.Commands()}
}

// newWording builds the 话术 check from config, suggesting answers from svc.
func newWording(st store.Store, c config.Wording, svc *knowledge.Service) *handlers.Wording {
	starter := wording.Starter()
	if len(c.Taboo) > 0 {
		starter.Taboo = append([]string(nil), c.Taboo...)
	}
	if len(c.Absolute) > 0 {
		starter.Absolute = append([]string(nil), c.Absolute...)
	}
	return &handlers.Wording{
		Repo:      &wording.Repo{St: st, Starter: starter},
		Weights:   wording.Weights{Affirm: c.AffirmPercent, Solution: c.SolutionPercent, Care: c.CarePercent},
		Knowledge: svc,
	}
}
