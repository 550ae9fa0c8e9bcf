package awards

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/period"
)

// Row is one grant of a period for the monthly workbook's 荣誉勋章 sheet.
type Row struct {
	Member string
	Award  string // 服务之星, 青铜勋章, 伯乐奖 …
	Date   time.Time
	Reason string
	Points int
	// FromKPI marks a grant decided by the KPI figures (a KPI title, a
	// bronze badge): 三维绩效 counts those under 服务指标 already, so they
	// do not count again in 团队贡献.
	FromKPI bool
}

// fromKPI reports whether a grant was decided by the KPI figures.
func (s *Service) fromKPI(e *Entry) bool {
	switch {
	case e.Kind == KindBadge:
		return e.Award == Bronze
	case e.Kind != KindTitle || strings.Contains(e.Period, "Q"):
		return false // hand-given, thanks, or a contest title (a quiz)
	}
	metric := e.Metric
	if metric == "" { // granted before titles recorded their metric
		for _, t := range append(s.TeamTitles(e.Team), s.Cfg.Titles...) {
			if t.Name == e.Award {
				metric = t.Metric
				break
			}
		}
	}
	return metric != "knowledge"
}

// Rows lists a team's standing grants in [from, to]: titles and ceremony
// badges by the month they are for, the rest by when they were given.
func (s *Service) Rows(ctx context.Context, team string, from, to time.Time) ([]Row, error) {
	st, err := Load(ctx, s.St)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, e := range st.Entries {
		if e.Team != team || (e.Kind != KindTitle && e.Kind != KindBadge && e.Kind != KindAward && e.Kind != KindThanks) || !st.Active(e) {
			continue
		}
		in := !e.At.Before(from) && !e.At.After(to)
		if e.Period != "" {
			if pm, err := time.ParseInLocation("2006-01", e.Period, from.Location()); err == nil {
				r := period.Month(pm)
				in = !r.To.Before(period.Day(from)) && !r.From.After(to)
			}
		}
		if !in {
			continue
		}
		reason := e.Reason
		if e.Figures != "" {
			reason += "：" + e.Figures
		}
		out = append(out, Row{Member: e.Member, Award: e.Label(), Date: e.Dated(), Reason: reason, Points: e.Points, FromKPI: s.fromKPI(e)})
	}
	return out, nil
}

// spanEnd labels the end of a span of months: "10月" within a year,
// "2027年1月" across one.
func spanEnd(from, to time.Time) string {
	if from.Year() == to.Year() {
		return fmt.Sprintf("%d月", int(to.Month()))
	}
	return period.Month(to).Label
}
