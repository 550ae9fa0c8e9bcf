package reportbot_test

import (
	"context"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/reports/reportbot"
)

// A workbook of October, made after a promotion in November, shows and
// judges the member at the level held in October.
func TestAtLevelsUsesTheLevelHeldAsThePeriodEnded(t *testing.T) {
	r := bottest.New(t)
	ctx := context.Background()
	loc := r.Cfg.Location()
	promoted := time.Date(2026, 11, 20, 10, 0, 0, 0, loc)
	if _, err := growth.Set(ctx, r.Store, growth.Change{Member: "xiaowang", Team: "presale", To: growth.LevelSenior, By: "zhao", At: promoted}, growth.LevelAgent); err != nil {
		t.Fatal(err)
	}
	if err := r.Dir.SetLevel(ctx, "xiaowang", growth.LevelSenior); err != nil {
		t.Fatal(err)
	}
	level := func(end time.Time) string {
		teams := []reports.Team{reportbot.ReportTeam(r.Dir, r.Dir.Team("presale"))}
		if err := reportbot.AtLevels(ctx, r.Store, teams, end); err != nil {
			t.Fatal(err)
		}
		for _, m := range teams[0].Members {
			if m.ID == "xiaowang" {
				return m.Level
			}
		}
		t.Fatal("xiaowang missing")
		return ""
	}
	if got := level(period.Month(time.Date(2026, 10, 1, 0, 0, 0, 0, loc)).End()); got != growth.LevelAgent {
		t.Errorf("October: %q, want agent", got)
	}
	if got := level(period.Month(promoted).End()); got != growth.LevelSenior {
		t.Errorf("November: %q, want senior", got)
	}
}
