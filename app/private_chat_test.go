package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/reports"
)

// 赵经理 is in both demo teams; his private chat ("inbox:zhao") defaults to
// 售前组 but reaches the agents of 售后组 too, and team-wide commands there
// say which team they are about or ask for one.
func TestManagerPrivateChatAcrossTeams(t *testing.T) {
	now := kpiClock()
	r := startWith(t, demoConfig(t), app.Options{Now: func() time.Time { return now }})
	const inbox = "inbox:zhao"

	// /kpi @小周 (售后组) answers as it does in 售后组's group.
	want := r.ask("aftersale", "zhao", "/kpi @小周")
	if !strings.Contains(want, "小周") || strings.Contains(want, "没有找到") {
		t.Fatalf("/kpi @小周 in 售后组: %s", want)
	}
	if got := r.ask(inbox, "zhao", "/kpi @小周"); got != want {
		t.Errorf("/kpi @小周 in the manager's private chat:\n%s\nwant\n%s", got, want)
	}
	if got, want := r.ask(inbox, "zhao", "/kpi 小王 上月"), r.ask("presale", "zhao", "/kpi 小王 上月"); got != want {
		t.Errorf("/kpi 小王 上月 in the private chat:\n%s\nwant\n%s", got, want)
	}
	// Group chats stay team-scoped.
	if got := r.ask("presale", "zhao", "/kpi @小周"); !strings.Contains(got, "没有找到“小周”") {
		t.Errorf("/kpi @小周 in 售前组's group: %s", got)
	}
	// A supervisor of one team reaches no other team from their private chat.
	if got := r.ask("inbox:chen", "chen", "/kpi @小周"); !strings.Contains(got, "没有找到“小周”") {
		t.Errorf("陈主管's /kpi @小周: %s", got)
	}

	// /kpi team says which team it shows; a team may be named.
	got := r.ask(inbox, "zhao", "/kpi team")
	if !strings.HasPrefix(got, "以下是 售前组 的 KPI；查看其他团队请加上团队名（如 /kpi team 售后组）") || !strings.Contains(got, "**售前组 · 本月至今") {
		t.Errorf("/kpi team in the private chat: %s", got)
	}
	if got, want := r.ask(inbox, "zhao", "/kpi team 售后组 上月"), r.ask("aftersale", "zhao", "/kpi team 上月"); got != want {
		t.Errorf("/kpi team 售后组 上月 in the private chat:\n%s\nwant\n%s", got, want)
	}
	if got := r.ask("presale", "zhao", "/kpi team"); strings.Contains(got, "以下是") {
		t.Errorf("a group chat needs no note: %s", got)
	}
	if got := r.ask("inbox:chen", "chen", "/kpi team"); strings.Contains(got, "以下是") || !strings.Contains(got, "**售前组 · ") {
		t.Errorf("a one-team supervisor's private chat needs no note: %s", got)
	}

	// /report 小周: 售后组's workbook for 小周.
	msg, said := r.waitFile(inbox, r.postID(inbox, "zhao", "/report 小周 上月"))
	if !strings.Contains(msg.File.Name, "小周_售后组") || len(said) == 0 || !strings.Contains(said[0], "正在生成 小周（售后组）") {
		t.Errorf("/report 小周: %s, said %q", msg.File.Name, said)
	}
	if teams := overviewTeams(t, r.download(msg.File.URL)); teams["售后组"] == 0 || teams["售前组"] != 0 {
		t.Errorf("/report 小周 covers %v", teams)
	}
	msg, said = r.waitFile(inbox, r.postID(inbox, "zhao", "/report 上月"))
	if !strings.Contains(msg.File.Name, "售前组") || len(said) == 0 || !strings.HasPrefix(said[0], "以下是 售前组 的报表；") {
		t.Errorf("/report in the private chat: %s, said %q", msg.File.Name, said)
	}
	msg, said = r.waitFile(inbox, r.postID(inbox, "zhao", "/report 售后组 上月"))
	if !strings.Contains(msg.File.Name, "售后组") || strings.Contains(msg.File.Name, "售前组") || strings.Contains(strings.Join(said, ""), "以下是") {
		t.Errorf("/report 售后组 in the private chat: %s, said %q", msg.File.Name, said)
	}
	if rows, err := r.download(msg.File.URL).GetRows(reports.SheetOverview); err != nil || len(rows) == 0 {
		t.Errorf("overview: %v %v", rows, err)
	}
	if got := r.ask(inbox, "zhao", "/report 售前组 小周"); !strings.Contains(got, "小周 不在售前组") {
		t.Errorf("/report 售前组 小周: %s", got)
	}

	// /badges @小周 reads 售后组's progress.
	if got := r.ask(inbox, "zhao", "/badges @小周"); !strings.Contains(got, "**小周 的勋章**") {
		t.Errorf("/badges @小周 in the private chat: %s", got)
	}

	// /announce asks for a team and sends nothing meanwhile.
	before := r.countBot("presale", "通知") + r.countBot("aftersale", "通知")
	if got := r.ask(inbox, "zhao", "/announce 明天上午十点盘点"); !strings.Contains(got, "你同时在 售前组、售后组，请在通知内容前写明发给哪个团队") {
		t.Errorf("/announce without a team: %s", got)
	}
	if after := r.countBot("presale", "通知") + r.countBot("aftersale", "通知"); after != before {
		t.Errorf("an announcement without a team was posted: %d → %d", before, after)
	}
	if got := r.ask(inbox, "zhao", "/announce 售后组 @小周 明天上午十点盘点"); !strings.Contains(got, "通知已发到售后组的所有群") {
		t.Errorf("/announce 售后组: %s", got)
	}
	if got := r.lastBot("aftersale"); !strings.Contains(got, "📢 **售后组 通知**（赵经理）\n@小周 明天上午十点盘点") {
		t.Errorf("售后组's chat: %s", got)
	}
	if n := r.countBot("presale", "明天上午十点盘点"); n != 0 {
		t.Errorf("the notice for 售后组 reached 售前组 %d times", n)
	}
	if got := r.ask(inbox, "zhao", "/announce 售后组"); !strings.Contains(got, "请写上通知内容") {
		t.Errorf("/announce with a team only: %s", got)
	}
	// A one-team supervisor's private chat posts to their team as before.
	if got := r.ask("inbox:chen", "chen", "/announce 下午复盘"); !strings.Contains(got, "通知已发到售前组的所有群") {
		t.Errorf("陈主管's /announce: %s", got)
	}
}
