package kpi

import (
	"fmt"
	"time"
)

// AlertLevel is the severity of a bad-review surge.
type AlertLevel int

// Alert levels.
const (
	AlertNone AlertLevel = iota
	AlertYellow
	AlertRed
)

// String returns the Chinese name of the level.
func (l AlertLevel) String() string {
	switch l {
	case AlertYellow:
		return "黄色预警"
	case AlertRed:
		return "红色预警"
	}
	return "正常"
}

// AlertOptions tune CheckBadReviews. Zero fields take the defaults.
type AlertOptions struct {
	Window     int     // trailing days of the baseline; default 7
	MinRatings float64 // ratings (or their stand-in base) day D needs; default 20
	MinBad     float64 // dissatisfied ratings day D needs; default 3
	MinBase    float64 // ratings the baseline needs; default 50
	Yellow     float64 // relative increase for yellow; default 0.5 (+50%)
	Red        float64 // relative increase for red; default 1.0 (+100%)
	FloorRate  float64 // lowest baseline rate, so a spotless week does not make every bad rating a surge; default 0.01
}

func (o AlertOptions) withDefaults() AlertOptions {
	if o.Window <= 0 {
		o.Window = 7
	}
	if o.MinRatings <= 0 {
		o.MinRatings = 20
	}
	if o.MinBad <= 0 {
		o.MinBad = 3
	}
	if o.MinBase <= 0 {
		o.MinBase = 50
	}
	if o.Yellow <= 0 {
		o.Yellow = 0.5
	}
	if o.Red <= 0 {
		o.Red = 1.0
	}
	if o.FloorRate <= 0 {
		o.FloorRate = 0.01
	}
	return o
}

// Alert is the outcome of a bad-review check for one day.
type Alert struct {
	Date     string
	Level    AlertLevel
	Rate     float64 // day's dissatisfied / ratings
	Baseline float64 // trailing window's dissatisfied / ratings (sums over sums)
	Increase float64 // Rate / max(Baseline, FloorRate) - 1
	Bad      float64 // day's dissatisfied ratings
	Ratings  float64 // day's ratings (base)
}

// Message renders the alert in Chinese for the group.
func (a Alert) Message() string {
	return fmt.Sprintf("%s：%s 差评率 %.1f%%（%.0f/%.0f），比近 7 天的 %.1f%% 上升 %.0f%%",
		a.Level, a.Date, a.Rate*100, a.Bad, a.Ratings, a.Baseline*100, a.Increase*100)
}

// CheckBadReviews compares day date's bad-review rate with the trailing
// window before it (series holds a team's or an agent's daily totals, any
// order, days may be missing). It returns the alert and whether it fired:
// a day needs MinRatings ratings and MinBad bad ones, and the baseline needs
// MinBase ratings, so a single bad rating on a quiet day never fires.
func CheckBadReviews(series []DayTotals, date string, opt AlertOptions) (Alert, bool) {
	opt = opt.withDefaults()
	a := Alert{Date: date}
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return a, false
	}
	first := d.AddDate(0, 0, -opt.Window).Format(time.DateOnly)
	var baseBad, baseN float64
	found := false
	for i := range series {
		s := &series[i]
		if !s.Has(Dissatisfied) {
			continue
		}
		switch {
		case s.Date == date:
			a.Bad, a.Ratings = s.Num[Dissatisfied], s.Base[Dissatisfied]
			found = true
		case s.Date >= first && s.Date < date:
			baseBad += s.Num[Dissatisfied]
			baseN += s.Base[Dissatisfied]
		}
	}
	if !found || a.Ratings < opt.MinRatings || a.Bad < opt.MinBad || baseN < opt.MinBase {
		return a, false
	}
	a.Rate = a.Bad / a.Ratings
	a.Baseline = baseBad / baseN
	a.Increase = a.Rate/max(a.Baseline, opt.FloorRate) - 1
	switch {
	case a.Increase >= opt.Red-1e-9:
		a.Level = AlertRed
	case a.Increase >= opt.Yellow-1e-9:
		a.Level = AlertYellow
	}
	return a, a.Level != AlertNone
}
