package app_test

import (
	"strings"
	"testing"
)

// TestFreeTextLengthCaps: every free-text argument has a cap named in the
// refusal, and a refused command changes nothing. (The lesson commands are
// left to their rewrite.)
func TestFreeTextLengthCaps(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Awards.NewHireDays = 365 // 小美 (hired 2026-04-01) may still be referred
	r := start(t, cfg)
	long := func(n int) string { return strings.Repeat("长", n) }
	count := func(s string) int {
		r.drain()
		var got struct{ Messages []message }
		r.get("/console/api/messages?chat_id=presale", &got)
		n := 0
		for _, m := range got.Messages {
			if strings.Contains(m.Text+m.Markdown, s) {
				n++
			}
		}
		return n
	}
	grievances, referrals, notices := count("委屈奖** 颁给"), count("伯乐奖** 颁给"), count("售前组 通知")

	// Awards: the reason of /award, the note of a referral, /revoke's reason.
	kbMust(t, r.ask("presale", "chen", "/award 委屈奖 @小王 "+long(201)), "颁奖原因太长（最多 200 字，现在 201 字）")
	kbMust(t, r.ask("presale", "chen", "/award 委屈奖 @小王 "+long(3000)), "颁奖原因太长（最多 200 字，现在 3000 字）")
	if count("委屈奖** 颁给") != grievances {
		t.Error("a refused award was posted")
	}
	kbMust(t, r.ask("presale", "chen", "/award 伯乐奖 @阿强 推荐 @小美 "+long(201)), "推荐说明太长（最多 200 字")
	if count("伯乐奖** 颁给") != referrals {
		t.Error("a refused referral was posted")
	}
	got := r.ask("presale", "chen", "/award 委屈奖 @小王 "+long(200))
	kbMust(t, got, "委屈奖")
	if count("委屈奖** 颁给") != grievances+1 {
		t.Error("the award at the limit was not posted")
	}
	seq := regexpSeq(t, r.ask("presale", "xiaowang", "/badges"))
	kbMust(t, r.ask("presale", "chen", "/revoke "+seq+" "+long(201)), "撤销原因太长（最多 200 字，现在 201 字）")
	kbMustNot(t, r.ask("presale", "chen", "/badges @小王"), "撤销")

	// Announcements.
	kbMust(t, r.ask("presale", "chen", "/announce "+long(2001)), "通知太长（最多 2000 字，现在 2001 字）")
	if count("售前组 通知") != notices {
		t.Error("a refused announcement was posted")
	}

	// The knowledge base: questions, answers, edits, rejection and
	// retirement reasons.
	kbMust(t, r.ask("presale", "xiaowang", "/submit "+long(201)+" | 答"), "问题太长了：201 字，最多 200 字")
	kbMust(t, r.ask("presale", "xiaowang", "/submit 问 | "+long(2001)), "答案太长了：2001 字，最多 2000 字")
	kbMust(t, r.ask("presale", "xiaoli", "/ask "+long(201)), "问题太长了：201 字，最多 200 字")
	m := kbRefRE.FindStringSubmatch(r.ask("presale", "xiaowang", "/submit 赠品能换颜色吗 | 不能"))
	if m == nil {
		t.Fatal("no submission id")
	}
	kbMust(t, r.ask("presale", "chen", "/reject "+m[1]+" "+long(201)), "驳回原因太长了：201 字，最多 200 字")
	kbMust(t, r.ask("presale", "chen", "/edit "+m[1]+" "+long(2001)), "答案太长了：2001 字，最多 2000 字")
	kbMust(t, r.ask("presale", "chen", "/approve "+m[1]+" "+long(2001)), "修改后的答案太长了：2001 字，最多 2000 字")
	kbMust(t, r.ask("presale", "chen", "/approve "+m[1]), "已通过")
	kbMust(t, r.ask("presale", "chen", "/retire "+m[1]+" "+long(201)), "下线原因太长了：201 字，最多 200 字")
	kbMust(t, r.ask("presale", "xiaoli", "/kb "+m[1]), "已发布", "不能")

	// The console refuses any message over 4000 characters.
	if code, _ := r.post("presale", "chen", "/announce "+long(4001)); code != 413 {
		t.Errorf("4001 characters to the console: %d, want 413", code)
	}
}

// regexpSeq finds the first "#N" record number in a /badges answer.
func regexpSeq(t *testing.T, s string) string {
	t.Helper()
	i := strings.Index(s, "#")
	j := i + 1
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if i < 0 || j == i+1 {
		t.Fatalf("no #number in %q", s)
	}
	return s[i+1 : j]
}
