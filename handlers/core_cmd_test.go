package handlers_test

import (
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/handlers"
)

// coreRig is a rig with /help (and its fallback), /whoami, /roster, /role
// and /announce.
func coreRig(t *testing.T) *bottest.Rig {
	t.Helper()
	return cmdRig(t, func(r *bottest.Rig) []*bot.Command {
		r.Bot.AddFallback(handlers.HelpFallback(r.Commands))
		return []*bot.Command{handlers.Help(r.Commands), handlers.WhoAmI(), handlers.Roster(), handlers.SetRole(), handlers.Announce()}
	})
}

func TestHelpCommand(t *testing.T) {
	r := coreRig(t)
	agent := cmdAsk(t, r, "presale", "xiaowang", "/help", "/whoami", "/help")
	for _, hidden := range []string{"/roster", "/role", "/announce"} {
		if strings.Contains(agent, hidden) {
			t.Errorf("an agent's /help lists %s:\n%s", hidden, agent)
		}
	}
	cmdAsk(t, r, "presale", "chen", "/help", "/roster", "/announce")
	cmdAsk(t, r, "presale", "zhao", "/help", "/role")
	cmdAsk(t, r, "presale", "xiaowang", "/help role", "/role（/角色） 仅限经理及以上角色使用：设置成员角色", "你是客服")
	cmdAsk(t, r, "presale", "zhao", "/help 角色", cmdUsage+"/role @名字 客服|主管|经理")
	cmdAsk(t, r, "presale", "xiaowang", "/help whoam", "没有你可用的 /whoam 命令。你是不是想查 /whoami ？")
	// "帮助" without the slash, in a private chat or addressed to the bot, is
	// /help. (bottest's messages are always addressed to the bot.)
	cmdAsk(t, r, cmdInbox("xiaowang"), "xiaowang", "帮助", "/whoami")
	cmdAsk(t, r, "presale", "xiaowang", "@班组助手 帮助", "/whoami")
	cmdAsk(t, r, "presale", "xiaowang", "@班组助手 今天天气不错", "我是班组助手，发送 /help 查看可用命令。")
}

func TestWhoAmIAndRosterCommands(t *testing.T) {
	r := coreRig(t)
	cmdAsk(t, r, "presale", "xiaowang", "/whoami", "你是 **小王**，角色：客服，当前团队：售前组")
	cmdAsk(t, r, cmdInbox("lin"), "lin", "/我是谁", "你是 **林主管**，角色：主管，当前团队：售后组")
	cmdAsk(t, r, "presale", "xiaowang", "/roster", "/roster 仅限主管及以上角色使用")
	roster := cmdAsk(t, r, "presale", "chen", "/roster", "**售前组 成员（10 人）**", "- 陈主管 · 主管", "- 阿强 · 客服 · 资深 · 子账号：旗舰店:阿强、jd_阿强", "- 赵经理 · 经理")
	if strings.Contains(roster, "小周") {
		t.Errorf("another team's member in the roster:\n%s", roster)
	}
}

func TestRoleCommand(t *testing.T) {
	r := coreRig(t)
	cmdAsk(t, r, "presale", "chen", "/role @小王 主管", "/role 仅限经理及以上角色使用")
	cmdAsk(t, r, "presale", "zhao", "/role @小王", cmdUsage+"/role @名字")
	cmdAsk(t, r, "presale", "zhao", "/role @小张 主管", "团队里没有找到 @小张", cmdUsage)
	cmdAsk(t, r, "presale", "zhao", "/role @小王 国王", "不认识的角色 \"国王\"", cmdUsage)
	cmdAsk(t, r, "presale", "zhao", "/role @小王 资深", "“资深”是职级，不是角色。请用 /level @小王 资深 调整职级")
	cmdAsk(t, r, "presale", "zhao", "/role @小王 管理员", "你不能授予比自己更高的角色（管理员）")
	cmdAsk(t, r, "presale", "zhao", "/role @赵经理 客服", "不能修改自己的角色")
	if got := r.Dir.RoleOf(r.Dir.Member("xiaowang")); got != bot.RoleAgent {
		t.Fatalf("refused changes changed 小王's role to %v", got)
	}

	cmdAsk(t, r, "presale", "zhao", "/角色 @小王 主管", "已将 小王 的角色设为 主管。")
	if got := r.Dir.RoleOf(r.Dir.Member("xiaowang")); got != bot.RoleSupervisor {
		t.Errorf("小王's role = %v, want supervisor", got)
	}
	cmdAsk(t, r, "presale", "xiaowang", "/roster", "**售前组 成员", "- 小王 · 主管")
	cmdAsk(t, r, "presale", "zhao", "/role @小王 agent", "已将 小王 的角色设为 客服。")
	cmdAsk(t, r, "presale", "xiaowang", "/roster", "/roster 仅限主管及以上角色使用")
}

func TestAnnounceCommand(t *testing.T) {
	r := coreRig(t)
	cmdAsk(t, r, "presale", "xiaowang", "/announce 明天放假", "/announce 仅限主管及以上角色使用")
	cmdAsk(t, r, "presale", "chen", "/announce", cmdUsage+"/announce 通知内容")

	// In the console group the notice is the answer: no confirmation after it.
	mark := r.Say("presale", "chen", "/announce @小王 @小李 下午两点复盘差评")
	r.Drain()
	var got []string
	for _, e := range r.Messages("presale", mark) {
		got = append(got, bottest.Text(e))
	}
	if len(got) != 1 || !strings.Contains(got[0], "📢 **售前组 通知**（陈主管）") || !strings.Contains(got[0], "下午两点复盘差评") {
		t.Errorf("group after /announce: %q", got)
	}

	// From a private chat the group gets the notice, the sender a confirmation.
	cmdAsk(t, r, cmdInbox("lin"), "lin", "/announce 明天盘点", "通知已发到售后组的所有群。")
	cmdWant(t, "aftersale group", strings.Join(r.BotSaid("aftersale"), "\n"), "📢 **售后组 通知**（林主管）\n明天盘点")
	// A manager of two teams names the team.
	cmdAsk(t, r, cmdInbox("zhao"), "zhao", "/announce 明天盘点", "你同时在 售前组、售后组", "通知没有发出")
	cmdAsk(t, r, cmdInbox("zhao"), "zhao", "/announce 售后组 周五团建", "通知已发到售后组的所有群。")
	cmdWant(t, "aftersale group", strings.Join(r.BotSaid("aftersale"), "\n"), "📢 **售后组 通知**（赵经理）\n周五团建")
	if s := strings.Join(r.BotSaid("presale"), "\n"); strings.Contains(s, "售后组 通知") {
		t.Errorf("aftersale's notices reached presale:\n%s", s)
	}
	cmdAsk(t, r, "presale", "chen", "/announce "+strings.Repeat("通", bot.MaxAnnouncement+1), "通知太长（最多")
}
