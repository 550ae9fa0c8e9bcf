package awardsbot

import (
	"testing"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/config"
)

// TestVacancyNoteReads checks the reason a title went to nobody reads as a
// sentence: "达到门槛的 8 人中，8 人未达到…", not "8 人中8 人".
func TestVacancyNoteReads(t *testing.T) {
	ct := awards.CeremonyTitle{
		Title:      config.AwardTitle{Name: "响应之星", Metric: "first_response"},
		Contenders: 8, OffTarget: 8,
	}
	got := vacancyNote(ct, config.Awards{MaxTitlesPerPerson: 1})
	want := "达到门槛的 8 人中，8 人未达到本人的" + config.MetricLabels["first_response"] + "目标"
	if got != want {
		t.Errorf("vacancyNote = %q, want %q", got, want)
	}
}
