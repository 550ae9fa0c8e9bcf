package app_test

import (
	"strings"
	"testing"
)

func TestWordingCheckThroughConsole(t *testing.T) {
	r := start(t, demoConfig(t))

	// /help lists the new commands by role.
	agentHelp := r.ask("presale", "xiaowang", "/help")
	for _, want := range []string{"/check（/话术）", "/path（/成长）", "/useful（/有用）", "/notuseful（/没用）"} {
		if !strings.Contains(agentHelp, want) {
			t.Errorf("agent /help lacks %s", want)
		}
	}
	if strings.Contains(agentHelp, "/talk") || strings.Contains(agentHelp, "/words") || strings.Contains(agentHelp, "/level") {
		t.Errorf("agent /help lists supervisor commands:\n%s", agentHelp)
	}
	supHelp := r.ask("presale", "chen", "/help")
	for _, want := range []string{"/words（/词库）", "/level（/职级）", "/talk（/面谈）", "/talks（/面谈记录）"} {
		if !strings.Contains(supHelp, want) {
			t.Errorf("supervisor /help lacks %s", want)
		}
	}

	// In the group, the check goes to the agent's private chat only.
	got := r.ask("presale", "xiaowang", "/check 亲，这个我不清楚，你自己看详情页吧，我们家是全网第一")
	if !strings.Contains(got, "已私信给 小王") || strings.Contains(got, "不清楚") {
		t.Fatalf("group answer to /check: %q", got)
	}
	if n := r.countBot("inbox:xiaowang", "禁忌用语“不清楚”"); n != 1 {
		t.Errorf("the check in 小王's inbox: %d", n)
	}
	for _, want := range []string{"禁忌用语“你自己看”", "绝对化用语“第一”", "🌡", "缺少解决方案", "缺少情感关怀"} {
		if r.countBot("inbox:xiaowang", want) != 1 {
			t.Errorf("the check lacks %q", want)
		}
	}
	if n := r.countBot("inbox:xiaoli", "话术检查"); n != 0 {
		t.Errorf("another agent sees the check: %d", n)
	}

	// From the private chat, the answer is right there.
	warm := r.ask("inbox:xiaowang", "xiaowang", "/话术 非常抱歉让您久等了，我马上为您查询物流，2小时内回复您")
	if !strings.Contains(warm, "100°（温暖）") || strings.Contains(warm, "⛔") {
		t.Errorf("a warm reply: %q", warm)
	}

	// The supervisor adds a word; the next check finds it.
	if got := r.ask("presale", "xiaowang", "/words add 禁忌 亲你懂吗"); !strings.Contains(got, "仅限主管") {
		t.Errorf("agents cannot edit the lists: %q", got)
	}
	if got := r.ask("presale", "chen", "/words add 禁忌 亲你懂吗"); !strings.Contains(got, "已把 亲你懂吗 加入本团队的禁忌用语") {
		t.Errorf("/words add: %q", got)
	}
	if got := r.ask("presale", "chen", "/words remove 绝对 第一"); !strings.Contains(got, "移出本团队的绝对化用语") {
		t.Errorf("/words remove: %q", got)
	}
	got = r.ask("inbox:xiaowang", "xiaowang", "/check 亲你懂吗，我们是第一")
	if !strings.Contains(got, "禁忌用语“亲你懂吗”") || strings.Contains(got, "绝对化用语“第一”") {
		t.Errorf("check with the team's lists: %q", got)
	}
	if got := r.ask("presale", "chen", "/words"); !strings.Contains(got, "亲你懂吗") || strings.Contains(got, "、第一、") {
		t.Errorf("/words: %q", got)
	}

	// Submitted answers are checked, and the check shows in /review.
	got = r.ask("presale", "xiaowang", "/submit 能便宜点吗 | 不可能，这已经是全网最低价了")
	if !strings.Contains(got, "话术温度") || !strings.Contains(got, "“最低价”") {
		t.Errorf("/submit shows the check: %q", got)
	}
	if got := r.ask("presale", "chen", "/review"); !strings.Contains(got, "🌡 话术温度") || !strings.Contains(got, "禁忌用语：“不可能”") {
		t.Errorf("/review shows the check: %q", got)
	}
}
