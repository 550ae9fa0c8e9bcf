package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
)

// QA pass: what a new user ran into through the console, each fixed and kept
// fixed here.

// qaMessage is a console message with its file.
type qaMessage struct {
	ID       int64  `json:"id"`
	From     string `json:"from"`
	Markdown string `json:"markdown"`
	Text     string `json:"text"`
	File     *struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"file"`
}

// say posts text and returns the bot's messages that follow it in the chat
// once the outbox is drained.
func (r *running) say(chat, user, text string) []qaMessage {
	r.t.Helper()
	code, body := r.post(chat, user, text)
	if code != http.StatusOK {
		r.t.Fatalf("post %q: %d %s", text, code, body)
	}
	var posted struct{ ID int64 }
	json.Unmarshal([]byte(body), &posted)
	var got []qaMessage
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r.drain()
		var page struct{ Messages []qaMessage }
		r.get(fmt.Sprintf("/console/api/messages?chat_id=%s&user_id=%s&after=%d", chat, user, posted.ID), &page) // as the sender sees it
		got = got[:0]
		for _, m := range page.Messages {
			if m.From == "bot" {
				got = append(got, m)
			}
		}
		// A "正在生成" notice promises a file: wait for it rather than for
		// a fixed time (a workbook takes longer than 50 ms under load).
		building := len(got) == 1 && strings.Contains(got[0].Markdown+got[0].Text, "正在生成")
		if len(got) > 0 && !building {
			time.Sleep(50 * time.Millisecond) // a second message (a file) may follow
			r.drain()
			r.get(fmt.Sprintf("/console/api/messages?chat_id=%s&user_id=%s&after=%d", chat, user, posted.ID), &page) // as the sender sees it
			got = got[:0]
			for _, m := range page.Messages {
				if m.From == "bot" {
					got = append(got, m)
				}
			}
			return got
		}
	}
	r.t.Fatalf("no reply to %q", text)
	return nil
}

// reply is the text of the bot's first answer to text.
func (r *running) reply(chat, user, text string) string {
	r.t.Helper()
	m := r.say(chat, user, text)[0]
	return m.Markdown + m.Text
}

func qaMust(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: reply lacks %q:\n%s", what, w, got)
		}
	}
}

func qaMustNot(t *testing.T, what, got string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(got, n) {
			t.Errorf("%s: reply has %q:\n%s", what, n, got)
		}
	}
}

func qaStart(t *testing.T) *running {
	now := kpiClock()
	return startWith(t, demoConfig(t), app.Options{Now: func() time.Time { return now }})
}

func TestQACommandsTypedInFullWidthAndTypos(t *testing.T) {
	r := qaStart(t)
	// A Chinese input method in full-width mode types ｋｐｉ and ２０２６－１０.
	qaMust(t, "/ｋｐｉ", r.reply("presale", "xiaowang", "/ｋｐｉ"), "小王 的 KPI", "昨天（11月22日）")
	qaMust(t, "/kpi ｔｅａｍ ２０２６－１０", r.reply("presale", "chen", "/kpi ｔｅａｍ ２０２６－１０"), "售前组 · 2026年10月", "客服排名")
	qaMust(t, "/help ｋｐｉ", r.reply("presale", "chen", "/help ｋｐｉ"), "用法：/kpi")
	// A typo is never answered with a command the sender may not use.
	got := r.reply("presale", "xiaowang", "/rolee")
	qaMust(t, "agent /rolee", got, "没有 /rolee 这个命令")
	qaMustNot(t, "agent /rolee", got, "/role ？")
	qaMust(t, "manager /rolee", r.reply("presale", "zhao", "/rolee"), "你是不是想用 /role ？")
	// /help review used to list its alias twice.
	got = r.reply("presale", "chen", "/help review")
	qaMust(t, "/help review", got, "用法：/review（也可用 /审核、/待审）")
	qaMustNot(t, "/help review", got, "（/审核）（")
}

func TestQAKPIForSupervisorsAndManagers(t *testing.T) {
	r := qaStart(t)
	// Supervisors serve no customers: /kpi used to show "陈主管 的 KPI（客服目标）暂无数据".
	got := r.reply("presale", "chen", "/kpi")
	qaMust(t, "supervisor /kpi", got, "你是主管，没有个人 KPI", "/kpi team", "/kpi @名字")
	qaMustNot(t, "supervisor /kpi", got, "客服目标", "暂无数据")
	got = r.reply("presale", "chen", "/kpi @赵经理")
	qaMust(t, "/kpi @赵经理", got, "赵经理 是经理，没有个人 KPI")
	// An agent's own card is unchanged.
	qaMust(t, "agent /kpi", r.reply("presale", "xiaowang", "/kpi"), "小王 的 KPI", "本月至今（11月1日–22日）")
}

func TestQAReportArguments(t *testing.T) {
	r := qaStart(t)
	// "至" typed as a word of its own, as /kpi team already accepted it.
	msgs := r.say("presale", "chen", "/report 2026-10-01 至 2026-10-15")
	var file string
	for _, m := range msgs {
		if m.File != nil {
			file = m.File.Name
		}
	}
	if file != "班组报表_售前组_2026-10-01_2026-10-15.xlsx" {
		t.Errorf("/report 2026-10-01 至 2026-10-15: file %q in %+v", file, msgs)
	}
	// A mistyped month is a period problem, not an unknown member.
	got := r.reply("presale", "chen", "/report 2026-13")
	qaMust(t, "/report 2026-13", got, "无法识别的时间“2026-13”", "用法：/report")
	qaMustNot(t, "/report 2026-13", got, "不是本团队的成员")
	qaMust(t, "/report 不存在", r.reply("presale", "chen", "/report 不存在"), "没有找到“不存在”：它不是本团队的成员")
}

func TestQAAwardsRules(t *testing.T) {
	r := qaStart(t)
	// 小美 was hired on 2026-04-01: no longer a new hire (awards.new_hire_days
	// 180), so no 伯乐奖 for her referral.
	got := r.reply("presale", "chen", "/award 伯乐奖 @阿强 推荐 @小美")
	qaMust(t, "伯乐奖 past due", got, "小美 入职于 2026-04-01，已经 236 天，不算新人")
	qaMustNot(t, "伯乐奖 past due", got, "2026-10-01 时会提醒", "奖金 500 元")
	// Awards go down the line.
	qaMust(t, "supervisor awards manager", r.reply("presale", "chen", "/award 委屈奖 @赵经理 辛苦"), "赵经理 是经理，你只能给角色低于自己的成员颁奖")
	qaMust(t, "manager awards supervisor", r.reply("presale", "zhao", "/award 委屈奖 @陈主管 辛苦"), "委屈奖** 颁给 **陈主管")
	// A presale supervisor cannot register an aftersale agent as a mentee.
	got = r.reply("presale", "chen", "/mentor @阿强 @小周")
	qaMust(t, "cross-team mentor", got, "小周 不在售前组")
	qaMustNot(t, "cross-team mentor", got, "已登记师徒")
	qaMust(t, "mentor", r.reply("presale", "chen", "/mentor @阿强 @小美"), "已登记师徒：**阿强** 带教 **小美**")
	// An unknown leaderboard word is named, not reported as a bad date range.
	got = r.reply("presale", "xiaowang", "/leaderboard 本月 foo")
	qaMust(t, "/leaderboard 本月 foo", got, "不认识“foo”", "kpi、quiz、knowledge、points")
	qaMustNot(t, "/leaderboard 本月 foo", got, "日期范围")
	qaMust(t, "/leaderboard 上月 ＫＰＩ", r.reply("presale", "xiaowang", "/leaderboard 上月 ＫＰＩ"), "KPI 综合得分排行榜")
}

func TestQAPrivateChatSubmitAndAnnounce(t *testing.T) {
	r := qaStart(t)
	// A submission in a private chat used to @ the supervisor there, where
	// nobody but the submitter reads it.
	got := r.reply("inbox:xiaowang", "xiaowang", "/submit 私聊投稿的问题 | 私聊投稿的答案")
	qaMust(t, "private /submit", got, "等待主管审核", "已私信通知主管审核")
	qaMustNot(t, "private /submit", got, "@陈主管")
	qaMust(t, "supervisor's inbox", r.lastBot("inbox:chen"), "小王 私聊投稿了", "私聊投稿的问题", "/审核")
	// In the group the supervisor is still @-ed.
	qaMust(t, "group /submit", r.reply("presale", "xiaowang", "/submit 群里投稿的问题 | 群里投稿的答案"), "@陈主管 有新的投稿待审核")

	// /announce from a private chat posted to the group but said nothing back.
	qaMust(t, "private /announce", r.reply("inbox:chen", "chen", "/announce 明天8点到岗"), "通知已发到售前组的所有群")
	qaMust(t, "group after private /announce", r.lastBot("presale"), "售前组 通知", "明天8点到岗")
}
