package config

import (
	"strings"
	"testing"
)

func TestTeamMetricSetsTargetsAndTitlesAreValidated(t *testing.T) {
	c := Default()
	c.Teams = []Team{{ID: "after", Name: "售后组",
		Metrics: []string{"served", "satisfaction", "speed"},
		Targets: Targets{"senior": {"conversion_min": 0.25, "satisfaction_min": 0.95}, "boss": {}},
		Titles: []AwardTitle{
			{Name: "转化之星", Metric: "conversion", MinVolume: 200},
			{Name: "问题终结者", Metric: "satisfaction"},
			{Name: "挽单能手", Metric: "recovered"},
		}}}
	err := c.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`teams[0].metrics[2]: 未知的指标 "speed"`,
		"teams[0].targets.senior.conversion_min: 团队不考核询单转化率",
		"teams[0].targets.boss: 级别应为",
		"teams[0].titles[0].metric: 团队不考核询单转化率",
		"teams[0].titles[1].name: \"问题终结者\" 是季度技能大练兵的称号",
		"teams[0].titles[2].metric: 团队不考核挽回订单",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error should say %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "satisfaction_min") {
		t.Errorf("a judged metric's target is fine: %v", err)
	}
	// A valid after-sales team.
	c.Teams[0].Metrics = []string{"served", "satisfaction", "first_response", "recovered"}
	c.Teams[0].Targets = Targets{"agent": {"satisfaction_min": 0.9, "first_response_max": 30}}
	c.Teams[0].Titles = []AwardTitle{{Name: "挽单能手", Metric: "recovered", MinVolume: 100, Points: 500}, {Name: "服务之星", Metric: "composite"}}
	if err := c.Validate(); err != nil {
		t.Errorf("valid team: %v", err)
	}
	if got := c.Awards.TitlesFor(Team{Metrics: []string{"satisfaction"}}); len(got) != 3 {
		t.Errorf("global titles of a satisfaction-only team (服务之星, 客户满意奖, 知识贡献王): %+v", got)
	}
	// A monthly title may not take a contest title's name.
	a := DefaultAwards()
	a.Titles[4].Name = "服务速度王"
	if err := a.ValidateAwards(); err == nil || !strings.Contains(err.Error(), "awards.titles[4].name") {
		t.Errorf("contest name as a monthly title: %v", err)
	}
}
