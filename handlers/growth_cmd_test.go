package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/handlers"
)

// growthRig is a rig with the growth commands; promotions are heard by
// heard.
func growthRig(t *testing.T, heard *[]growth.Promotion) *bottest.Rig {
	t.Helper()
	return cmdRig(t, func(r *bottest.Rig) []*bot.Command {
		g := &handlers.Growth{St: r.Store, Cfg: r.Cfg.Growth, Targets: r.Cfg.Targets,
			Listeners: []growth.Listener{growth.ListenerFunc(func(_ context.Context, p growth.Promotion) (string, error) {
				*heard = append(*heard, p)
				return "（晋升已通知）", nil
			})}}
		return g.Commands()
	})
}

func TestLevelCommand(t *testing.T) {
	var heard []growth.Promotion
	r := growthRig(t, &heard)
	cmdAsk(t, r, "presale", "xiaowang", "/level @小李", "/level 仅限主管及以上角色使用")
	cmdAsk(t, r, "presale", "chen", "/level", cmdUsage+"/level @名字")
	cmdAsk(t, r, "presale", "chen", "/level @小张", "团队里没有找到 @小张", cmdUsage)

	// A record is read privately: the group hears only that it was sent.
	mark := r.Say("presale", "chen", "/level @小王")
	r.Drain()
	said := r.BotSaid("presale")
	if len(said) != 1 || said[0] != "小王 的职级和成长记录已私信给 陈主管。" { // the refusals and usages above went to their senders alone
		t.Errorf("group after /level @小王: %q", said)
	}
	cmdWant(t, "陈主管's inbox", strings.Join(cmdPrivate(r, "chen", 0), "\n"),
		"**小王 · 客服专员**（2026-02-16 入职）", "成长路径：客服专员 → **资深客服**", "培训阶段：成长期（入职 9 个月）", "晋升资深客服的条件")
	if n := len(r.View("presale", "xiaowang", mark)); n != 1 {
		t.Errorf("小王 sees %d messages after the /level, want the note only", n)
	}

	// Changing a level is for managers, to a level they may give.
	cmdAsk(t, r, "presale", "chen", "/level @小王 资深", "调整职级仅限经理")
	cmdAsk(t, r, "presale", "zhao", "/level @小王 大师", "不认识的职级“大师”", cmdUsage)
	cmdAsk(t, r, "presale", "zhao", "/level @赵经理 主管", "不能调整自己的职级")
	cmdAsk(t, r, "presale", "zhao", "/level @小王 资深 连续三个月达标",
		"🎉 小王 由客服专员晋升为**资深客服**", "原因：连续三个月达标", "晋升时满足资深条件", "（晋升已通知）")
	if len(heard) != 1 || heard[0].Member != "xiaowang" || heard[0].To != growth.LevelSenior || heard[0].By != "zhao" {
		t.Errorf("promotions heard: %+v", heard)
	}
	if lvl := r.Dir.LevelOf(r.Dir.Member("xiaowang")); lvl != growth.LevelSenior {
		t.Errorf("小王's KPI level after the promotion: %q", lvl)
	}
	cmdAsk(t, r, "presale", "zhao", "/level @小王 资深", "小王 已经是资深客服")
	if len(heard) != 1 {
		t.Errorf("a level already held is no promotion: %+v", heard)
	}
}

func TestPathCommand(t *testing.T) {
	var heard []growth.Promotion
	r := growthRig(t, &heard)
	cmdAsk(t, r, "presale", "xiaomei", "/path", "你的成长路径已私信给 小美。")
	cmdWant(t, "小美's inbox", strings.Join(cmdPrivate(r, "xiaomei", 0), "\n"), "**小美 · 客服专员**", "晋升资深客服的条件")
	for _, s := range r.BotSaid("presale") {
		if strings.Contains(s, "晋升资深客服的条件") {
			t.Errorf("the path shows in the group: %s", s)
		}
	}
	cmdAsk(t, r, cmdInbox("aqiang"), "aqiang", "/成长", "**阿强 · 资深客服**", "保持资深标准")
}

func TestTalkCommands(t *testing.T) {
	var heard []growth.Promotion
	r := growthRig(t, &heard)
	cmdAsk(t, r, "presale", "xiaowang", "/talk @小李 聊聊", "/talk 仅限主管及以上角色使用")
	cmdAsk(t, r, "presale", "xiaowang", "/talks", "/talks 仅限主管及以上角色使用")
	cmdAsk(t, r, cmdInbox("chen"), "chen", "/talk @小王", cmdUsage+"/talk @名字 面谈内容和约定的行动")
	cmdAsk(t, r, cmdInbox("chen"), "chen", "/talk @小张 聊聊", "团队里没有找到 @小张", cmdUsage)
	long := strings.Repeat("长", r.Cfg.Growth.Talks.MaxNote+1)
	cmdAsk(t, r, cmdInbox("chen"), "chen", "/talk @小王 "+long, "面谈记录太长了")

	// Recorded from the private chat, as advised; in the group, with a hint.
	got := cmdAsk(t, r, cmdInbox("chen"), "chen", "/talk @小王 售后流程不熟，安排阿强带两周",
		"已记录和 小王 的面谈（2026-11-23）。面谈记录仅主管和经理可见。")
	if strings.Contains(got, "下次请在") {
		t.Errorf("a talk sent privately gets no hint: %s", got)
	}
	cmdAsk(t, r, "presale", "chen", "/talk @小李 状态不错", "已记录和 小李 的面谈", "下次请在和班组助手的私聊里发送 /talk")
	talks, err := growth.Talks(context.Background(), r.Store, "presale", time.Time{}, time.Time{})
	if err != nil || len(talks) != 2 || talks[0].Member != "xiaowang" || talks[0].By != "chen" || talks[0].Note != "售后流程不熟，安排阿强带两周" {
		t.Fatalf("talks recorded: %+v, %v", talks, err)
	}

	// /talks answers privately: who is due this month, or one person's talks.
	after := int64(0)
	if es := r.Messages(cmdInbox("chen"), 0); len(es) > 0 {
		after = es[len(es)-1].ID
	}
	cmdAsk(t, r, "presale", "chen", "/talks", "待面谈名单已私信给 陈主管。")
	due := strings.Join(cmdPrivate(r, "chen", after), "\n")
	cmdWant(t, "/talks list", due, "**售前组 2026年11月 一对一面谈**：还有 6 人待面谈", "阿强", "还没有面谈记录")
	if strings.Contains(due, "小王") || strings.Contains(due, "小李") {
		t.Errorf("小王 and 小李 were talked with this month: %s", due)
	}
	cmdAsk(t, r, cmdInbox("chen"), "chen", "/talks @小王", "**和 小王 的面谈记录**（最近 1 次）", "2026-11-23 陈主管：售后流程不熟")
	cmdAsk(t, r, cmdInbox("chen"), "chen", "/talks @大刘", "还没有和 大刘 的面谈记录")
	cmdAsk(t, r, cmdInbox("chen"), "chen", "/talks @小张", "团队里没有找到 @小张", cmdUsage)
	for _, s := range r.BotSaid("presale") {
		if strings.Contains(s, "售后流程不熟") || strings.Contains(s, "一对一面谈**") {
			t.Errorf("talk content shows in the group: %s", s)
		}
	}
}
