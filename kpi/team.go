package kpi

import (
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/config"
)

// FindTeam returns the configured team an import goes to. An empty id picks
// the only team when there is exactly one; otherwise the error (an
// *ImportError of kind ErrBadOption) lists the teams in Chinese.
func FindTeam(teams []config.Team, id string) (*config.Team, error) {
	id = strings.TrimSpace(id)
	if id == "" && len(teams) == 1 {
		return &teams[0], nil
	}
	for i := range teams {
		if teams[i].ID == id {
			return &teams[i], nil
		}
	}
	if len(teams) == 0 {
		return nil, importErr(ErrBadOption, "配置里还没有任何团队；请先在配置文件的 teams 中添加团队和成员（或用 --demo 试用演示公司）。")
	}
	names := make([]string, len(teams))
	for i, t := range teams {
		names[i] = t.ID
		if t.Name != "" && t.Name != t.ID {
			names[i] = fmt.Sprintf("%s（%s）", t.ID, t.Name)
		}
	}
	if id == "" {
		return nil, importErr(ErrBadOption, "请指定导入到哪个团队。可用的团队：%s。", strings.Join(names, "、"))
	}
	return nil, importErr(ErrBadOption, "没有团队“%s”。可用的团队：%s。", id, strings.Join(names, "、"))
}
