package kpi

import (
	"errors"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/config"
)

func TestFindTeam(t *testing.T) {
	one := []config.Team{{ID: "presale", Name: "售前组"}}
	two := append(one, config.Team{ID: "aftersale", Name: "售后组"})
	if tm, err := FindTeam(one, ""); err != nil || tm.ID != "presale" {
		t.Errorf("only team: %v %v", tm, err)
	}
	if tm, err := FindTeam(two, " aftersale "); err != nil || tm.ID != "aftersale" {
		t.Errorf("by id: %v %v", tm, err)
	}
	for _, c := range []struct {
		teams []config.Team
		id    string
		want  string
	}{
		{two, "", "请指定导入到哪个团队。可用的团队：presale（售前组）、aftersale（售后组）。"},
		{two, "nope", "没有团队“nope”。可用的团队：presale（售前组）、aftersale（售后组）。"},
		{nil, "x", "配置里还没有任何团队"},
	} {
		_, err := FindTeam(c.teams, c.id)
		if !errors.Is(err, ErrBadOption) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("FindTeam(%q) = %v, want %q", c.id, err, c.want)
		}
	}
}
