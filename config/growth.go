package config

import (
	"errors"
	"fmt"
)

// Growth configures growing people: the 话术 check, the criteria for
// promotion to 资深客服, the monthly one-to-ones and the pruning of the
// knowledge base by feedback. Defaults (the practitioners' figures) are in
// DefaultGrowth.
type Growth struct {
	Wording  Wording        `yaml:"wording"`
	Senior   SeniorCriteria `yaml:"senior"`
	Talks    Talks          `yaml:"talks"`
	Feedback Feedback       `yaml:"feedback"`
}

// Wording is the 话术 check: the starter lists a team begins with (its
// supervisor edits the team's own with /words) and the 话术温度计 shares.
type Wording struct {
	Taboo           []string `yaml:"taboo"`    // 禁忌用语; empty: the practice's starter list
	Absolute        []string `yaml:"absolute"` // 绝对化用语 (广告法); empty: the starter list
	AffirmPercent   int      `yaml:"affirm_percent"`
	SolutionPercent int      `yaml:"solution_percent"`
	CarePercent     int      `yaml:"care_percent"`
}

// SeniorCriteria are what a 客服专员 shows before promotion to 资深客服.
type SeniorCriteria struct {
	MonthsOnTarget    int     `yaml:"months_on_target"`    // consecutive months meeting KPI
	SatisfactionMin   float64 `yaml:"satisfaction_min"`    // last month
	BadRateMax        float64 `yaml:"bad_rate_max"`        // last month, below
	ConversionMin     float64 `yaml:"conversion_min"`      // last month
	KnowledgeMin      int     `yaml:"knowledge_min"`       // approved entries over the months
	LessonAccuracyMin float64 `yaml:"lesson_accuracy_min"` // quiz accuracy over the months
}

// Talks are the monthly one-to-ones.
type Talks struct {
	TrendMonths int `yaml:"trend_months"` // months of KPI trend in the reminder
	MaxNote     int `yaml:"max_note"`     // characters of a talk record
}

// Feedback is the pruning of knowledge by 👍/👎 and use.
type Feedback struct {
	IdleDays    int     `yaml:"idle_days"`    // approved this long and unused: proposed
	MinVotes    int     `yaml:"min_votes"`    // votes before the share counts
	PoorShare   float64 `yaml:"poor_share"`   // 👎 share at or above: proposed
	RetireShare float64 `yaml:"retire_share"` // at most this share of approved entries proposed a week
	MaxReason   int     `yaml:"max_reason"`   // characters of a 👎 reason
}

// DefaultGrowth: 60/30/10 temperature, the 资深 criteria of the practice
// (满意率 ≥ 95%, 差评率 < 2%, 转化 ≥ 25%, three months on target), a 3-month
// trend in one-to-one reminders, about 20% pruning.
func DefaultGrowth() Growth {
	return Growth{
		Wording: Wording{AffirmPercent: 60, SolutionPercent: 30, CarePercent: 10},
		Senior: SeniorCriteria{MonthsOnTarget: 3, SatisfactionMin: 0.95, BadRateMax: 0.02, ConversionMin: 0.25,
			KnowledgeMin: 3, LessonAccuracyMin: 0.8},
		Talks:    Talks{TrendMonths: 3, MaxNote: 1000},
		Feedback: Feedback{IdleDays: 90, MinVotes: 3, PoorShare: 0.5, RetireShare: 0.2},
	}
}

// ValidateGrowth checks the growth section; each problem names its key.
func (g *Growth) ValidateGrowth() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("growth.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	w := g.Wording
	for _, f := range []struct {
		key string
		v   int
	}{{"wording.affirm_percent", w.AffirmPercent}, {"wording.solution_percent", w.SolutionPercent}, {"wording.care_percent", w.CarePercent}} {
		if f.v < 0 || f.v > 100 {
			bad(f.key, "应在 0 到 100 之间，得到 %d", f.v)
		}
	}
	if sum := w.AffirmPercent + w.SolutionPercent + w.CarePercent; sum != 100 {
		bad("wording", "affirm_percent + solution_percent + care_percent 应为 100，得到 %d", sum)
	}
	between := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(key, "应在 %d 到 %d 之间，得到 %d", lo, hi, v)
		}
	}
	share := func(key string, v float64) {
		if v < 0 || v > 1 {
			bad(key, "应在 0 到 1 之间，得到 %g", v)
		}
	}
	s := g.Senior
	between("senior.months_on_target", s.MonthsOnTarget, 0, 24)
	between("senior.knowledge_min", s.KnowledgeMin, 0, 1000)
	share("senior.satisfaction_min", s.SatisfactionMin)
	share("senior.bad_rate_max", s.BadRateMax)
	share("senior.conversion_min", s.ConversionMin)
	share("senior.lesson_accuracy_min", s.LessonAccuracyMin)
	between("talks.trend_months", g.Talks.TrendMonths, 1, 12)
	between("talks.max_note", g.Talks.MaxNote, 10, 10000)
	f := g.Feedback
	between("feedback.idle_days", f.IdleDays, 1, 3650)
	between("feedback.min_votes", f.MinVotes, 1, 1000)
	share("feedback.poor_share", f.PoorShare)
	share("feedback.retire_share", f.RetireShare)
	return errors.Join(errs...)
}
