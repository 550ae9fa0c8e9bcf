package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Awards configures recognition: the monthly titles, the 服务之星 badge
// ladder, the hand-given awards, the points each is worth and the weights of
// the three-dimensional evaluation. Defaults are the practitioners' figures
// from domain.md (see DefaultAwards).
type Awards struct {
	// Titles are the monthly titles, in ceremony order.
	Titles []AwardTitle `yaml:"titles"`
	// MinDays is how many days with KPI data a month needs before its agent
	// may win a KPI title (a one-day agent cannot win).
	MinDays int `yaml:"min_days"`
	// BronzeMonths is how many consecutive months meeting KPI earn bronze.
	BronzeMonths int `yaml:"bronze_months"`
	// SilverMentees is how many mentees holding a 服务之星 badge earn silver.
	SilverMentees int `yaml:"silver_mentees"`
	// ReferralReminderMonths is when, after the hire, 伯乐奖 reminds the
	// supervisor to check for the promotion bonus.
	ReferralReminderMonths int `yaml:"referral_reminder_months"`
	// ReferralBonus and ReferralPromotionBonus are the 伯乐奖 cash in yuan
	// (shown in the announcement and the reminder).
	ReferralBonus          int `yaml:"referral_bonus"`
	ReferralPromotionBonus int `yaml:"referral_promotion_bonus"`
	// KnowledgeReasons are the reasons of "knowledge" points-ledger entries
	// that count toward 知识贡献王 (empty: every knowledge entry counts).
	KnowledgeReasons []string `yaml:"knowledge_reasons"`
	// LeaderboardMinServedPerDay keeps quiet agents off the KPI leaderboard:
	// an agent needs this many customers served per day of the period.
	LeaderboardMinServedPerDay int `yaml:"leaderboard_min_served_per_day"`
	// Points are what each award is worth in the points ledger. The defaults
	// are on the scale of the quiz points (500–1000 per right answer).
	Points AwardPoints `yaml:"points"`
	// MaxTitlesPerPerson is how many monthly titles one person may win in a
	// month (default 1): the next best contender takes a title its leader
	// already holds enough of. 0 means no limit.
	MaxTitlesPerPerson int `yaml:"max_titles_per_person"`
	// ThanksPerDay is how many /thanks one person may give a day (default 3).
	ThanksPerDay int `yaml:"thanks_per_day"`
	// NewHireDays is how long after the hire date someone counts as new
	// (default 180, the half-year of the 伯乐奖 promotion bonus): a 伯乐奖
	// for someone hired longer ago is refused (see NewHire).
	NewHireDays int `yaml:"new_hire_days"`
	// Eval weighs 三维绩效 (service × learning × contribution) in reports.
	Eval EvalWeights `yaml:"eval"`
}

// AwardTitle is one monthly title: the metric that decides it, the volume a
// contender needs and the points it is worth.
type AwardTitle struct {
	Name string `yaml:"name"` // 服务之星
	// Metric is one of AwardMetrics: composite (the daily-star score over
	// the month), conversion, recovered, satisfaction, first_response, fcr,
	// knowledge (approved knowledge entries).
	Metric string `yaml:"metric"`
	// MinVolume is the least volume behind the figure: customers served
	// (composite, recovered, first_response), inquiries (conversion),
	// ratings (satisfaction), consultations (fcr), approved entries
	// (knowledge).
	MinVolume float64 `yaml:"min_volume"`
	Points    int     `yaml:"points"`
}

// AwardPoints are the points of badges and hand-given awards.
type AwardPoints struct {
	Bronze    int `yaml:"bronze"`
	Silver    int `yaml:"silver"`
	Gold      int `yaml:"gold"`
	Grievance int `yaml:"grievance"` // 委屈奖
	Referral  int `yaml:"referral"`  // 伯乐奖
}

// EvalWeights weigh the three dimensions of 三维绩效; all zero means the
// defaults (60% service, 20% learning, 20% contribution).
type EvalWeights struct {
	Service      float64 `yaml:"service"`
	Learning     float64 `yaml:"learning"`
	Contribution float64 `yaml:"contribution"`
}

// NewHire reports how many days ago hireDate (YYYY-MM-DD) was, and whether
// that is within NewHireDays. Without a readable hire date, known is false
// (and isNew true: nothing says otherwise).
func (a Awards) NewHire(hireDate string, now time.Time) (days int, known, isNew bool) {
	d, err := time.ParseInLocation("2006-01-02", hireDate, now.Location())
	if err != nil {
		return 0, false, true
	}
	y, m, dd := now.Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, now.Location())
	days = int(today.Sub(d).Hours()/24 + 0.5)
	limit := a.NewHireDays
	if limit <= 0 {
		limit = 180
	}
	return days, true, days <= limit
}

// ContestTitles are the quarterly skills contest's titles; a monthly title
// may not take these names.
var ContestTitles = []string{"服务速度王", "问题终结者"}

// AwardMetrics are the metrics a monthly title may be decided by.
var AwardMetrics = []string{"composite", "conversion", "recovered", "satisfaction", "first_response", "fcr", "knowledge"}

// DefaultAwards is recognition as domain.md describes it.
func DefaultAwards() Awards {
	return Awards{
		Titles: []AwardTitle{
			{Name: "服务之星", Metric: "composite", MinVolume: 500, Points: 1000},
			{Name: "转化之星", Metric: "conversion", MinVolume: 200, Points: 500},
			{Name: "挽单能手", Metric: "recovered", MinVolume: 500, Points: 500},
			{Name: "客户满意奖", Metric: "satisfaction", MinVolume: 100, Points: 500},
			{Name: "响应之星", Metric: "first_response", MinVolume: 500, Points: 500},
			{Name: "首解之星", Metric: "fcr", MinVolume: 500, Points: 500},
			{Name: "知识贡献王", Metric: "knowledge", MinVolume: 1, Points: 500},
		},
		MinDays:                    10,
		BronzeMonths:               3,
		SilverMentees:              3,
		ReferralReminderMonths:     6,
		ReferralBonus:              500,
		ReferralPromotionBonus:     300,
		KnowledgeReasons:           []string{"knowledge_approved"},
		LeaderboardMinServedPerDay: 10,
		MaxTitlesPerPerson:         1,
		ThanksPerDay:               3,
		NewHireDays:                180,
		Points:                     AwardPoints{Bronze: 1000, Silver: 2000, Gold: 3000, Grievance: 500, Referral: 500},
		Eval:                       EvalWeights{Service: 0.6, Learning: 0.2, Contribution: 0.2},
	}
}

// ValidateAwards checks the awards section; each problem names its key.
func (a *Awards) ValidateAwards() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("awards.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	names := map[string]bool{}
	for i, t := range a.Titles {
		key := fmt.Sprintf("titles[%d]", i)
		if strings.TrimSpace(t.Name) == "" {
			bad(key+".name", "不能为空")
		} else if names[t.Name] {
			bad(key+".name", "称号 %q 重复", t.Name)
		}
		if slices.Contains(ContestTitles, t.Name) {
			bad(key+".name", "%q 是季度技能大练兵的称号，月度称号请换一个名字", t.Name)
		}
		names[t.Name] = true
		if !oneOf(t.Metric, AwardMetrics...) {
			bad(key+".metric", "应为 %s 之一，得到 %q", strings.Join(AwardMetrics, "、"), t.Metric)
		}
		if t.MinVolume < 0 {
			bad(key+".min_volume", "不能为负数")
		}
		if t.Points < 0 {
			bad(key+".points", "不能为负数")
		}
	}
	if a.MinDays < 0 || a.MinDays > 31 {
		bad("min_days", "应在 0 到 31 之间，得到 %d", a.MinDays)
	}
	if a.BronzeMonths < 1 || a.BronzeMonths > 24 {
		bad("bronze_months", "应在 1 到 24 之间，得到 %d", a.BronzeMonths)
	}
	if a.SilverMentees < 1 {
		bad("silver_mentees", "应大于 0，得到 %d", a.SilverMentees)
	}
	if a.ReferralReminderMonths < 1 || a.ReferralReminderMonths > 36 {
		bad("referral_reminder_months", "应在 1 到 36 之间，得到 %d", a.ReferralReminderMonths)
	}
	if a.ReferralBonus < 0 || a.ReferralPromotionBonus < 0 {
		bad("referral_bonus", "奖金不能为负数")
	}
	if a.MaxTitlesPerPerson < 0 {
		bad("max_titles_per_person", "不能为负数（0 表示不限）")
	}
	if a.ThanksPerDay < 1 || a.ThanksPerDay > 50 {
		bad("thanks_per_day", "应在 1 到 50 之间，得到 %d", a.ThanksPerDay)
	}
	if a.NewHireDays < 1 || a.NewHireDays > 730 {
		bad("new_hire_days", "应在 1 到 730 之间，得到 %d", a.NewHireDays)
	}
	if a.LeaderboardMinServedPerDay < 0 {
		bad("leaderboard_min_served_per_day", "不能为负数")
	}
	p := a.Points
	if p.Bronze < 0 || p.Silver < 0 || p.Gold < 0 || p.Grievance < 0 || p.Referral < 0 {
		bad("points", "积分不能为负数")
	}
	if e := a.Eval; e.Service < 0 || e.Learning < 0 || e.Contribution < 0 {
		bad("eval", "权重不能为负数")
	}
	return errors.Join(errs...)
}
