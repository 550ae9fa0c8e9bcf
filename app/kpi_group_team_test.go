package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
)

// TestKPITeamNamedInAnotherGroup checks that a manager who names another
// team in a group (/kpi team 售前组 in 售后组's group) is told where to ask,
// not that 售前组 is an unknown period; naming the group's own team works.
func TestKPITeamNamedInAnotherGroup(t *testing.T) {
	now := kpiClock()
	r := startWith(t, demoConfig(t), app.Options{Now: func() time.Time { return now }})

	got := r.ask("aftersale", "zhao", "/kpi team 售前组 上月")
	if strings.Contains(got, "无法识别") || !strings.Contains(got, "群里只能查看本群团队的 KPI") || !strings.Contains(got, "/kpi team 售前组") {
		t.Errorf("/kpi team 售前组 in 售后组's group: %s", got)
	}
	if got, want := r.ask("aftersale", "zhao", "/kpi team 售后组 上月"), r.ask("aftersale", "zhao", "/kpi team 上月"); got != want {
		t.Errorf("/kpi team 售后组 上月 in 售后组's group:\n%s\nwant\n%s", got, want)
	}
}
