package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/reports"
)

func TestLevelsAndReferralFollowUpThroughConsole(t *testing.T) {
	now := kpiClock() // 2026-11-23
	cfg := demoConfig(t)
	cfg.Awards.NewHireDays = 365 // 小美 (hired 2026-04-01) may still earn her referrer a 伯乐奖 below
	r := startWithoutDemoAwards(t, cfg, app.Options{Now: func() time.Time { return now }})

	if got := r.ask("presale", "zhao", "/role @小王 资深"); !strings.Contains(got, "/level @小王 资深") {
		t.Errorf("/role with a level should point to /level: %q", got)
	}
	if got := r.ask("presale", "chen", "/level @小王 资深"); !strings.Contains(got, "调整职级仅限经理") {
		t.Errorf("a supervisor cannot promote: %q", got)
	}
	if got := r.ask("presale", "xiaowang", "/level @小王"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent cannot read others' records: %q", got)
	}
	// The record beside the criteria, privately.
	if got := r.ask("presale", "chen", "/level @小王"); !strings.Contains(got, "已私信给 陈主管") {
		t.Errorf("/level view in the group: %q", got)
	}
	for _, want := range []string{"小王 · 客服专员", "晋升资深客服的条件（满足", "连续达标 ≥ 3 个月", "满意率（上月）", "带教新人", "知识贡献", "微课答题正确率", "培训阶段：成长期"} {
		if r.countBot("inbox:chen", want) != 1 {
			t.Errorf("/level record lacks %q", want)
		}
	}
	if got := r.ask("presale", "xiaowang", "/path"); !strings.Contains(got, "已私信给 小王") {
		t.Errorf("/path in the group: %q", got)
	}
	if r.countBot("inbox:xiaowang", "成长路径：客服专员 → **资深客服**") != 1 {
		t.Errorf("/path lacks the way on")
	}

	// A referred hire promoted within six months: the 伯乐奖 follow-up.
	if got := r.ask("aftersale", "lin", "/award 伯乐奖 @阿芳 推荐 @小吴"); !strings.Contains(got, "伯乐奖") {
		t.Fatalf("/award 伯乐奖: %q", got)
	}
	got := r.ask("aftersale", "zhao", "/level @小吴 资深 三个月达标")
	for _, want := range []string{"小吴 由客服专员晋升为**资深客服**", "原因：三个月达标", "晋升时满足资深条件", "伯乐奖跟进：阿芳 推荐的 小吴", "晋升奖金 300 元"} {
		if !strings.Contains(got, want) {
			t.Errorf("promotion reply lacks %q: %q", want, got)
		}
	}
	if r.countBot("inbox:afang", "你推荐的 小吴 已晋升为资深客服") != 1 {
		t.Errorf("the referrer is not told")
	}
	if r.countBot("inbox:lin", "请为 阿芳 发放伯乐奖晋升奖金 300 元") != 1 {
		t.Errorf("the supervisor who gave the award is not told")
	}
	if got := r.ask("aftersale", "lin", "/roster"); !strings.Contains(got, "小吴 · 客服 · 资深") {
		t.Errorf("/roster after the promotion: %q", got)
	}
	if got := r.ask("aftersale", "zhao", "/level @小吴 资深"); !strings.Contains(got, "小吴 已经是资深客服") {
		t.Errorf("same level again: %q", got)
	}
	// A second promotion (to 主管) pays no second bonus and changes the role.
	got = r.ask("aftersale", "zhao", "/level @小吴 主管")
	if !strings.Contains(got, "晋升为**客服主管**") || strings.Contains(got, "伯乐奖跟进") {
		t.Errorf("second promotion: %q", got)
	}
	if got := r.ask("aftersale", "xiaowu", "/roster"); !strings.Contains(got, "小吴 · 主管") {
		t.Errorf("小吴 is a supervisor now: %q", got)
	}
	ctx := context.Background()
	st, err := awards.Load(ctx, r.app.Store)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range st.Entries {
		if e.Award == awards.ReferralPromotion {
			n++
			if e.Member != "afang" || e.Subject != "xiaowu" || e.Team != "aftersale" {
				t.Errorf("follow-up entry: %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d follow-up entries, want 1", n)
	}
	// The reminder at the six-month mark is not sent once followed up.
	due, err := awards.New(r.app.Store, r.app.Cfg.Awards, r.app.Cfg.Targets, nil).DueReferrals(ctx, "aftersale", "2026-12-31")
	if err != nil || len(due) != 0 {
		t.Errorf("due referrals after the follow-up: %v %v", due, err)
	}
	h, err := growth.LoadHistory(ctx, r.app.Store)
	if err != nil {
		t.Fatal(err)
	}
	if cs := h.Of("xiaowu"); len(cs) != 2 || cs[0].From != "agent" || cs[0].To != "senior" || cs[1].To != "supervisor" || cs[0].By != "zhao" {
		t.Errorf("level history: %+v", cs)
	}
	r.ask("aftersale", "zhao", "/level @小吴")
	if r.countBot("inbox:zhao", "客服专员 → 资深客服（赵经理：三个月达标）") != 1 {
		t.Errorf("the history is not shown")
	}

	// Promoted after the window: no bonus, and the reply says so.
	r.ask("presale", "chen", "/award 伯乐奖 @阿强 推荐 @小美")
	got = r.ask("presale", "zhao", "/level @小美 资深")
	if !strings.Contains(got, "已超过 6 个月") || strings.Contains(got, "晋升奖金 300") {
		t.Errorf("late promotion: %q", got)
	}

	// The level survives a restart (targets follow it).
	cfg2 := demoConfig(t)
	cfg2.DataDir = r.app.Cfg.DataDir
	r.close()
	r2 := startWithoutDemoAwards(t, cfg2, app.Options{Now: func() time.Time { return now }})
	if got := r2.ask("presale", "chen", "/roster"); !strings.Contains(got, "小美 · 客服 · 资深") {
		t.Errorf("level lost across restart: %q", got)
	}
}

func TestTalksAndMonthlyReminderThroughConsole(t *testing.T) {
	now := kpiClock() // 2026-11-23; the demo KPI history covers 09-24 … 11-22
	r := startWith(t, awardsConfig(t), app.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	steadyAgent(t, r.app.Store, "presale", "daliu")

	j, err := r.app.Jobs.Get("growth-talks")
	if err != nil {
		t.Fatal(err)
	}
	slot := time.Date(2026, 11, 1, 9, 30, 0, 0, now.Location())
	for i := 0; i < 2; i++ {
		if err := j.Fn(ctx, jobs.Run{TeamID: "presale", Slot: slot}); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.countBot("inbox:chen", "⏰ **售前组 2026年11月 一对一面谈**"); n != 1 {
		t.Fatalf("reminders to 陈主管: %d, want 1", n)
	}
	reminder := r.lastBot("inbox:chen")
	for _, want := range []string{"待面谈", "1. ", "近3月 8月", "10月", "还没有面谈记录", "/talk @名字"} {
		if !strings.Contains(reminder, want) {
			t.Errorf("reminder lacks %q:\n%s", want, reminder)
		}
	}
	// Below-target agents come first.
	seenMet, below, met := false, 0, 0
	for _, line := range strings.Split(reminder, "\n") {
		if !strings.Contains(line, "近3月") {
			continue
		}
		if strings.Contains(line, "⚠ 上月未达标") {
			below++
			if seenMet {
				t.Errorf("a below-target agent after an on-target one:\n%s", reminder)
			}
		} else {
			met++
			seenMet = true
		}
	}
	if below == 0 || met == 0 || !strings.Contains(reminder, "大刘 · 近3月 8月✅ 9月✅ 10月✅") {
		t.Errorf("want agents on and below target (大刘 met three months):\n%s", reminder)
	}
	if r.countBot("inbox:xiaowang", "一对一面谈") != 0 || r.countBot("presale", "一对一面谈") != 0 {
		t.Errorf("the reminder is for supervisors only")
	}

	// A talk, recorded privately, visible to supervisors and managers only.
	got := r.ask("inbox:chen", "chen", "/talk @小王 售后流程不熟，压力大；安排阿强带两周售后流程")
	if !strings.Contains(got, "已记录和 小王 的面谈") || strings.Contains(got, "下次请在") {
		t.Errorf("/talk: %q", got)
	}
	if got := r.ask("presale", "xiaowang", "/talks @小王"); !strings.Contains(got, "仅限主管") {
		t.Errorf("agents cannot read talks: %q", got)
	}
	if got := r.ask("presale", "xiaowang", "/talk @小李 好"); !strings.Contains(got, "仅限主管") {
		t.Errorf("agents cannot record talks: %q", got)
	}
	if got := r.ask("inbox:chen", "chen", "/talks"); strings.Contains(got, ". 小王 ") || !strings.Contains(got, "小李") {
		t.Errorf("/talks after talking with 小王: %q", got)
	}
	if got := r.ask("inbox:zhao", "zhao", "/talks @小王"); !strings.Contains(got, "安排阿强带两周售后流程") || !strings.Contains(got, "陈主管") {
		t.Errorf("a manager reads the talk: %q", got)
	}
	if r.countBot("inbox:xiaowang", "安排阿强") != 0 || r.countBot("presale", "安排阿强") != 0 {
		t.Errorf("the talk leaked")
	}
	// In the group, the supervisor is told to use the private chat next time.
	if got := r.ask("presale", "chen", "/talk @小李 状态不错"); !strings.Contains(got, "下次请在和班组助手的私聊里发送") {
		t.Errorf("/talk in the group: %q", got)
	}
	talks, err := growth.Talks(ctx, r.app.Store, "presale", time.Time{}, time.Time{})
	if err != nil || len(talks) != 2 || talks[0].Member != "xiaowang" || talks[0].By != "chen" {
		t.Errorf("talks: %+v %v", talks, err)
	}
	// The workbook's 面谈 sheet: what was said only in a private workbook.
	cell := func(chat string) string {
		msg, _ := r.waitFile(chat, r.postID(chat, "chen", "/report 本月"))
		f := r.download(msg.File.URL)
		rows, err := f.GetRows(reports.SheetTalks)
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, row := range rows {
			all = append(all, strings.Join(row, "|"))
		}
		return strings.Join(all, "\n")
	}
	group := cell("presale")
	if !strings.Contains(group, "售前组|小王|2026-11-23|陈主管|（不在群里显示）") || strings.Contains(group, "安排阿强") || !strings.Contains(group, "大刘|||本期没有面谈") {
		t.Errorf("面谈 sheet posted to the group:\n%s", group)
	}
	if private := cell("inbox:chen"); !strings.Contains(private, "小王|2026-11-23|陈主管|售后流程不熟") {
		t.Errorf("面谈 sheet in the private chat:\n%s", private)
	}
}
