package app

import (
	"github.com/banzu-bot/banzu/config"
)

// Check lists, in Chinese, what the configuration does and does not enable:
// one line per platform and what is missing for what.
func Check(cfg *config.Config) []string {
	var out []string
	if cfg.Console.Enabled {
		out = append(out, "本地聊天（console）已启用：浏览器打开 http://"+cfg.Listen+"/")
	}
	if cfg.Store.Driver == "redis" {
		out = append(out, "存储：Redis（多副本可共享状态，定时任务只运行一次）")
	} else {
		out = append(out, "存储：内置数据库，文件位于 "+cfg.DataDir+"/banzu.db")
	}
	if len(cfg.Teams) == 0 {
		out = append(out, "还没有配置团队（teams）：用 --demo 试用演示公司，或在配置文件中添加团队和成员")
	}
	out = append(out, platformChecks(cfg)...)
	return out
}
