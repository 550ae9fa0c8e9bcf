package config

// KPI configures the KPI import, the daily star and the alerts.
type KPI struct {
	// Mappings are extra column titles for every import: the title as it is
	// in the export -> a column name (served, satisfaction, first_response …).
	Mappings map[string]string `yaml:"mappings"`
	// StarWeights weigh the figures of the daily star's composite score
	// (satisfaction, conversion, first_response, served, bad_rate).
	StarWeights map[string]float64 `yaml:"star_weights"`
	// AlertYellow and AlertRed are the rises of the bad-review rate over the
	// trailing 7-day baseline that post a yellow and a red alert (0.5 = +50%).
	AlertYellow float64 `yaml:"alert_yellow"`
	AlertRed    float64 `yaml:"alert_red"`
}

// DefaultStarWeights is the daily star's composite when config sets none.
func DefaultStarWeights() map[string]float64 {
	return map[string]float64{"satisfaction": 0.35, "conversion": 0.25, "first_response": 0.2, "served": 0.1, "bad_rate": 0.1}
}
