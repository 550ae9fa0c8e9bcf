package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

func TestSupervisorsFollowRoleChanges(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	dir, err := bot.NewDirectory(ctx, st, []config.Team{
		{ID: "t1", Name: "售前组", Members: []config.Member{
			{ID: "chen", Name: "陈主管", Role: "supervisor"},
			{ID: "a1", Name: "小王", Role: "agent"},
			{ID: "mgr", Name: "赵经理", Role: "manager"},
			{ID: "wu", Name: "吴主管", Role: "supervisor"},
		}},
		{ID: "t2", Name: "售后组", Members: []config.Member{{ID: "mgr", Name: "赵经理", Role: "manager"}, {ID: "a2", Name: "小周"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ms []*bot.Member) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return strings.Join(out, ",")
	}
	if got := ids(dir.Supervisors("t1")); got != "chen,wu" {
		t.Errorf("t1 supervisors = %s", got)
	}
	if got := dir.Supervisors("t2"); got != nil {
		t.Errorf("a team without supervisors (the manager is not one): %v", ids(got))
	}
	if got := dir.Supervisors("nope"); got != nil {
		t.Errorf("unknown team: %v", got)
	}
	// /role changes count: a promoted agent is in, a demoted supervisor out.
	if err := dir.SetRole(ctx, "a1", bot.RoleSupervisor); err != nil {
		t.Fatal(err)
	}
	if err := dir.SetRole(ctx, "chen", bot.RoleAgent); err != nil {
		t.Fatal(err)
	}
	if got := ids(dir.Supervisors("t1")); got != "a1,wu" {
		t.Errorf("t1 supervisors after /role = %s", got)
	}
}
