package config

import (
	"strings"
	"testing"
)

func TestAwardsDefaultsValidateAndBadValuesAreNamed(t *testing.T) {
	a := DefaultAwards()
	if err := a.ValidateAwards(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if len(a.Titles) != 7 || a.BronzeMonths != 3 || a.SilverMentees != 3 || a.ReferralReminderMonths != 6 {
		t.Errorf("defaults differ from domain.md: %+v", a)
	}
	a.Titles = append(a.Titles, AwardTitle{Name: "服务之星", Metric: "speed"})
	a.BronzeMonths = 0
	err := a.ValidateAwards()
	for _, want := range []string{"awards.titles[7].name", "awards.titles[7].metric", "awards.bronze_months"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error should name %s: %v", want, err)
		}
	}
}
