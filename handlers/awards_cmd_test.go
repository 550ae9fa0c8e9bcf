package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/handlers"
)

// awardsRig is a rig with the recognition commands.
func awardsRig(t *testing.T) (*bottest.Rig, *awards.Service) {
	t.Helper()
	var svc *awards.Service
	r := cmdRig(t, func(r *bottest.Rig) []*bot.Command {
		svc = awards.New(r.Store, r.Cfg.Awards, r.Cfg.Targets, r.Cfg.KPI.StarWeights)
		svc.Teams = awards.TeamMap(r.Cfg.Teams)
		return (&handlers.Awards{Svc: svc}).Commands()
	})
	return r, svc
}

func TestAwardCommand(t *testing.T) {
	r, svc := awardsRig(t)
	// Roles: agents may not award; gold is for managers; awards go down the line.
	cmdAsk(t, r, "presale", "xiaowang", "/award 委屈奖 @小李 被客户骂", "/award 仅限主管及以上角色使用")
	cmdAsk(t, r, "presale", "chen", "/award 黄金 @晓雯 流程改进", "黄金勋章只能由经理授予")
	cmdAsk(t, r, "presale", "chen", "/award 委屈奖 @赵经理 辛苦", "赵经理 是经理，你只能给角色低于自己的成员颁奖")
	cmdAsk(t, r, "presale", "chen", "/award 委屈奖 @陈主管 辛苦", "不能给自己颁奖")
	// Bad input answers with the usage.
	cmdAsk(t, r, "presale", "chen", "/award 委屈奖", cmdUsage+"/award 委屈奖 @名字 原因")
	cmdAsk(t, r, "presale", "chen", "/award 优秀奖 @小李 很好", "不认识的奖项“优秀奖”", cmdUsage)
	cmdAsk(t, r, "presale", "chen", "/award 委屈奖 @小张 辛苦", "团队里没有找到 @小张", cmdUsage)
	cmdAsk(t, r, "presale", "chen", "/award 伯乐奖 @阿强", "请写明 阿强 推荐入职的新人", cmdUsage)
	if n := len(r.BotSaid("presale")); n != 0 {
		t.Errorf("%d answers in the whole group, want none: refusals and usages go to their sender alone", n)
	}
	st, err := awards.Load(context.Background(), svc.St)
	if err != nil || len(st.Entries) != 0 {
		t.Fatalf("refused awards recorded %d entries (%v)", len(st.Entries), err)
	}

	// Happy paths: in the group, for all to see.
	cmdAsk(t, r, "presale", "chen", "/award 委屈奖 @小李 大促期间被客户辱骂仍耐心处理",
		"🎉 **委屈奖** 颁给 **小李**", "原因：大促期间被客户辱骂仍耐心处理", "积分 +500", "颁奖人：陈主管 · 编号 #1")
	cmdAsk(t, r, "presale", "chen", "/award 伯乐奖 @阿强 推荐 @小美", "小美 入职于 2026-04-01，已经 236 天，不算新人")
	cmdAsk(t, r, "aftersale", "lin", "/award 伯乐奖 @小周 推荐 @小吴", "🎉 **伯乐奖** 颁给 **小周**", "推荐 小吴 入职", "2026-12-01 时会提醒主管确认")
	cmdAsk(t, r, "aftersale", "lin", "/award 伯乐奖 @阿芳 推荐 @小吴", "推荐 小吴 的伯乐奖已于 2026-11-23 颁给 小周（#2），每位新人只颁一次")
	cmdAsk(t, r, "presale", "zhao", "/award 黄金 @晓雯 退款流程改进已在全公司推行", "🥇 **黄金勋章** 授予 **晓雯**")
	cmdAsk(t, r, "presale", "zhao", "/award 黄金 @晓雯 又一次", "晓雯 已持有黄金勋章（#3")
}

func TestRevokeAndMentorCommands(t *testing.T) {
	r, _ := awardsRig(t)
	cmdAsk(t, r, "presale", "chen", "/award 委屈奖 @小李 客户辱骂", "编号 #1")
	cmdAsk(t, r, "presale", "xiaoli", "/revoke 1 不算", "/revoke 仅限主管及以上角色使用")
	cmdAsk(t, r, "presale", "chen", "/revoke 1", cmdUsage+"/revoke 编号 原因")
	cmdAsk(t, r, "presale", "chen", "/revoke 一 原因", "编号应为数字", cmdUsage)
	cmdAsk(t, r, "presale", "chen", "/revoke 99 原因", "没有编号为 #99 的荣誉记录")
	cmdAsk(t, r, "aftersale", "lin", "/revoke 1 不是你们的", "#1 不是本团队的记录，只有经理可以撤销")
	cmdAsk(t, r, "presale", "chen", "/revoke 1 数据有误", "已撤销 #1：小李 的委屈奖", "原因：数据有误", "积分 -500 已扣回")
	cmdAsk(t, r, "presale", "chen", "/revoke #1 再来", "#1 已于 2026-11-23 撤销（原因：数据有误）")
	got := cmdAsk(t, r, "presale", "xiaoli", "/badges")
	if strings.Contains(got, "委屈奖") {
		t.Errorf("a revoked award still shows in /badges: %s", got)
	}

	cmdAsk(t, r, "presale", "aqiang", "/mentor @阿强 @小美", "/mentor 仅限主管及以上角色使用")
	cmdAsk(t, r, "presale", "chen", "/mentor @阿强", cmdUsage+"/mentor @师傅 @徒弟")
	cmdAsk(t, r, "presale", "chen", "/mentor @阿强 @阿强", "师傅和徒弟不能是同一个人")
	cmdAsk(t, r, "presale", "chen", "/mentor @小美 @阿强", "看起来师傅和徒弟写反了：小美（2026-04-01 入职）比 阿强（2024-06-20 入职）晚入职", cmdUsage+"/mentor @师傅 @徒弟")
	cmdAsk(t, r, "presale", "chen", "/mentor @阿强 @小周", "小周 不在售前组：师徒需要在同一个团队")
	cmdAsk(t, r, "presale", "chen", "/mentor @阿强 @小美", "已登记师徒：**阿强** 带教 **小美**", "白银：已带出 0/3", "徒弟：小美")
	cmdAsk(t, r, "presale", "chen", "/mentor @阿强 @小美", "阿强 带教 小美 已经登记过了")
}

func TestBadgesAndLeaderboardCommands(t *testing.T) {
	r, _ := awardsRig(t)
	cmdAsk(t, r, "presale", "xiaowang", "/badges", "**小王 的勋章**", "🥉 青铜：已连续 0/3 个月达标", "🥇 黄金：由经理授予")
	cmdAsk(t, r, "presale", "chen", "/badges @小李", "**小李 的勋章**")
	cmdAsk(t, r, "presale", "chen", "/badges @小张", "团队里没有找到 @小张", cmdUsage+"/badges")
	cmdAsk(t, r, "presale", "chen", "/award 委屈奖 @小李 客户辱骂", "编号 #1")
	cmdAsk(t, r, "presale", "xiaoli", "/badges", "🎖 特别奖：委屈奖（2026-11-23）#1")

	board := cmdAsk(t, r, "presale", "xiaowang", "/leaderboard", "**售前组 总积分排行榜 · 本月至今", "🥇 小李　500 分")
	if strings.Contains(board, "陈主管") {
		t.Errorf("supervisors are not ranked: %s", board)
	}
	cmdAsk(t, r, "presale", "xiaowang", "/排行榜 quiz", "答题积分排行榜", "暂无数据。参加微课堂答题即可获得积分。")
	cmdAsk(t, r, "presale", "xiaowang", "/leaderboard 全公司", "全公司排行榜仅限经理查看")
	cmdAsk(t, r, "presale", "zhao", "/leaderboard 全公司 kpi", "KPI 综合得分只在团队内比较")
	cmdAsk(t, r, "presale", "zhao", "/leaderboard 全公司", "**全公司 总积分排行榜")
	cmdAsk(t, r, "presale", "xiaowang", "/leaderboard 香蕉", "不认识“香蕉”", cmdUsage+"/leaderboard")
}

// A thanks is told to the receiver privately and acknowledged to the giver
// privately; the group sees nothing. A nomination reaches the supervisor.
func TestThanksCommand(t *testing.T) {
	r, _ := awardsRig(t)
	mark := r.Say("presale", "xiaowang", "/thanks @小李 帮我接了一个很难缠的售后")
	r.Drain()
	if got := r.BotSaid("presale"); len(got) != 0 {
		t.Errorf("a thanks shows in the group: %q", got)
	}
	cmdWant(t, "小李's inbox", strings.Join(cmdPrivate(r, "xiaoli", 0), "\n"), "🙏 **小王 感谢你**：帮我接了一个很难缠的售后")
	cmdWant(t, "小王's inbox", strings.Join(cmdPrivate(r, "xiaowang", 0), "\n"), "已私信转达你对 小李 的感谢（#1）。今天还可以感谢 2 次。")
	if n := len(r.View("presale", "xiaoli", mark)); n != 0 {
		t.Errorf("小李 sees %d group messages after the thanks", n)
	}

	cmdAsk(t, r, "presale", "xiaowang", "/thanks @小王 我自己", "不能感谢自己")
	cmdAsk(t, r, "presale", "xiaowang", "/thanks @小李", cmdUsage+"/thanks @名字 原因")
	cmdAsk(t, r, "presale", "xiaowang", "/thanks @小李 委屈奖", "请写明感谢的原因", cmdUsage)
	cmdAsk(t, r, "presale", "xiaowang", "/thanks @小李 委屈奖 客户辱骂", "提名委屈奖请写上订单号", cmdUsage)
	cmdAsk(t, r, "presale", "xiaowang", "/thanks @小张 谢谢", "团队里没有找到 @小张", cmdUsage)

	// From the private chat the ack comes there; a nomination goes to 陈主管.
	cmdAsk(t, r, cmdInbox("xiaowang"), "xiaowang", "/thanks @阿杰 委屈奖 2026112012345 客户辱骂半小时仍耐心处理完退款",
		"已私信转达你对 阿杰 的感谢（#2）", "委屈奖提名已私信发给主管")
	cmdWant(t, "陈主管's inbox", strings.Join(cmdPrivate(r, "chen", 0), "\n"),
		"📝 **委屈奖提名**（售前组）", "/award 委屈奖 @阿杰 订单 2026112012345 客户辱骂半小时仍耐心处理完退款")
	cmdAsk(t, r, cmdInbox("xiaowang"), "xiaowang", "/thanks @大刘 帮忙顶班", "今天的感谢次数已经用完")
	cmdAsk(t, r, cmdInbox("xiaowang"), "xiaowang", "/thanks @莉莉 帮忙", "今天的 3 次感谢已经用完了")
	if got := r.BotSaid("presale"); len(got) != 0 {
		t.Errorf("the whole group sees %d bot messages, want none (a thanks and its refusals are private): %q", len(got), got)
	}
}
