package handlers_test

import (
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/wording"
)

// wordingRig is a rig with /check and /words on the starter lists (no
// knowledge base to suggest from).
func wordingRig(t *testing.T) *bottest.Rig {
	t.Helper()
	return cmdRig(t, func(r *bottest.Rig) []*bot.Command {
		c := r.Cfg.Growth.Wording
		w := &handlers.Wording{Repo: &wording.Repo{St: r.Store, Starter: wording.Starter()},
			Weights: wording.Weights{Affirm: c.AffirmPercent, Solution: c.SolutionPercent, Care: c.CarePercent}}
		return w.Commands()
	})
}

func TestCheckCommand(t *testing.T) {
	r := wordingRig(t)
	cmdAsk(t, r, "presale", "xiaowang", "/check", cmdUsage+"/check 回复内容")

	// In the group only a note; the reading comes privately.
	cmdAsk(t, r, "presale", "xiaowang", "/check 亲，这个我不清楚，你自己看详情页吧", "话术检查结果已私信给 小王。")
	got := strings.Join(cmdPrivate(r, "xiaowang", 0), "\n")
	cmdWant(t, "小王's inbox", got, "**话术检查**", "⛔ 禁忌用语“不清楚”", "⛔ 禁忌用语“你自己看”")
	for _, s := range r.BotSaid("presale") {
		if strings.Contains(s, "**话术检查**") {
			t.Errorf("the check shows in the group: %s", s)
		}
	}
	// From the private chat it is answered there; a warm reply passes.
	cmdAsk(t, r, cmdInbox("xiaoli"), "xiaoli", "/话术 这款是全网最低价，绝对正品", "⚠ 绝对化用语“全网最”（广告法禁止）")
	warm := cmdAsk(t, r, cmdInbox("xiaoli"), "xiaoli", "/check 非常抱歉让您久等了，我马上为您查询物流，2小时内回复您，辛苦您了",
		"**话术检查** 🌡")
	if strings.Contains(warm, "⛔") || strings.Contains(warm, "⚠") {
		t.Errorf("a warm reply flagged: %s", warm)
	}
}

func TestWordsCommand(t *testing.T) {
	r := wordingRig(t)
	cmdAsk(t, r, "presale", "xiaowang", "/words", "/words 仅限主管及以上角色使用")
	cmdAsk(t, r, "presale", "chen", "/words", "**售前组 话术词库**", "禁忌用语（18）：不清楚", "绝对化用语（20）：最好", "/words [add|remove 禁忌|绝对 词1 词2 …]")
	cmdAsk(t, r, "presale", "chen", "/words list 禁忌", "第一个参数应为 add 或 remove", cmdUsage)
	cmdAsk(t, r, "presale", "chen", "/words add 禁忌", "请写上哪个词库（禁忌 或 绝对）和词语", cmdUsage)
	cmdAsk(t, r, "presale", "chen", "/words add 敏感 亲你懂吗", "不认识的词库“敏感”", cmdUsage)
	cmdAsk(t, r, "presale", "chen", "/words add 禁忌 "+strings.Repeat("长", 21), "太长了（21 字），词语最多 20 个字")

	cmdAsk(t, r, "presale", "chen", "/words add 禁忌 亲你懂吗", "已把 亲你懂吗 加入本团队的")
	cmdAsk(t, r, "presale", "chen", "/words add 禁忌 亲你懂吗", "没有变化（词语已经在词库里）")
	cmdAsk(t, r, "presale", "chen", "/词库 删除 绝对 第一", "已把 第一 移出本团队的")
	cmdAsk(t, r, "presale", "chen", "/words", "禁忌用语（19）", "亲你懂吗", "绝对化用语（19）")
	// Each team keeps its own lists.
	other := cmdAsk(t, r, "aftersale", "lin", "/words", "**售后组 话术词库**", "禁忌用语（18）", "绝对化用语（20）")
	if strings.Contains(other, "亲你懂吗") {
		t.Errorf("presale's word reached aftersale: %s", other)
	}
	// The team's list is what /check reads.
	cmdAsk(t, r, cmdInbox("xiaowang"), "xiaowang", "/check 亲你懂吗，这个很简单", "⛔ 禁忌用语“亲你懂吗”")
}
