package knowledgebot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/knowledge/knowledgebot"
)

// monday is 10:00 on Monday 2026-11-23 in Shanghai: the weekly jobs' slot.
func monday() time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
}

func rig(t *testing.T) (*bottest.Rig, *knowledgebot.Knowledge) {
	r := bottest.New(t, bottest.At(monday()))
	k := &knowledgebot.Knowledge{Svc: knowledge.New(r.Store, knowledge.DefaultSettings(), r.Clock.Now)}
	r.Start()
	return r, k
}

var (
	wang = knowledge.Actor{ID: "xiaowang", Name: "小王"}
	li   = knowledge.Actor{ID: "xiaoli", Name: "小李"}
	chen = knowledge.Actor{ID: "chen", Name: "陈主管", Supervisor: true}
)

// botSaid lists the bot's messages in chat that contain s.
func botSaid(r *bottest.Rig, chat, s string) []string {
	var out []string
	for _, e := range r.Messages(chat, 0) {
		if txt := bottest.Text(e); e.From == "bot" && strings.Contains(txt, s) {
			out = append(out, txt)
		}
	}
	return out
}

// approved submits and approves an entry by who in presale.
func approved(t *testing.T, k *knowledgebot.Knowledge, who knowledge.Actor, q, a string) *knowledge.Entry {
	t.Helper()
	ctx := context.Background()
	e, _, err := k.Svc.Submit(ctx, "presale", who, knowledge.Submission{Question: q, Answer: a}, knowledge.Origin{})
	if err != nil {
		t.Fatal(err)
	}
	if e, err = k.Svc.Approve(ctx, "presale", e.ID, chen, ""); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestUnansweredReachesTheSupervisors(t *testing.T) {
	r, k := rig(t)
	ctx := context.Background()
	if posted, err := k.PostUnanswered(ctx, r.Bot, "presale", monday()); err != nil || posted {
		t.Fatalf("nothing asked: posted %v, %v", posted, err)
	}
	for _, who := range []knowledge.Actor{wang, li} {
		if _, err := k.Svc.RecordAsk(ctx, "presale", who, "直播间抽奖的奖品什么时候发"); err != nil {
			t.Fatal(err)
		}
	}
	// A question the base answers is not open, unless asked with "!".
	approved(t, k, wang, "运费险多久到账", "退货签收后72小时内赔付到支付宝")
	a, err := k.Svc.RecordAsk(ctx, "presale", li, "运费险多久到账")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Svc.RecordAsk(ctx, "presale", li, "运费险多久到账"); err != nil {
		t.Fatal(err)
	}
	if posted, err := k.PostUnanswered(ctx, r.Bot, "presale", monday()); err != nil || !posted {
		t.Fatalf("posted %v, %v", posted, err)
	}
	r.Drain()
	got := botSaid(r, "presale", "本周高频未解答问题")
	if len(got) != 1 {
		t.Fatalf("%d lists in the group, want 1: %q", len(got), got)
	}
	for _, want := range []string{"Top 1", "直播间抽奖的奖品什么时候发（2 次，2 人问过）", "@陈主管 请安排解答"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("list lacks %q:\n%s", want, got[0])
		}
	}
	if strings.Contains(got[0], "运费险") {
		t.Errorf("an answered question is listed:\n%s", got[0])
	}
	if err := knowledgebot.MarkForced(ctx, r.Store, "presale", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := k.PostUnanswered(ctx, r.Bot, "presale", monday()); err != nil {
		t.Fatal(err)
	}
	r.Drain()
	got = botSaid(r, "presale", "本周高频未解答问题")
	if len(got) != 2 || !strings.Contains(got[1], "Top 2") || !strings.Contains(got[1], "运费险多久到账") {
		t.Errorf("a question asked with ! stays on the list: %q", got)
	}
	if got := botSaid(r, "aftersale", ""); len(got) != 0 {
		t.Errorf("the aftersale group got %q", got)
	}
}

func TestVerifyReminderMentionsTheOwners(t *testing.T) {
	r, k := rig(t)
	ctx := context.Background()
	e := approved(t, k, wang, "买完降价了能退差价吗", "30天内同款降价可申请价保")
	if posted, err := k.PostVerifyReminder(ctx, r.Bot, "presale", monday()); err != nil || posted {
		t.Fatalf("nothing due yet: posted %v, %v", posted, err)
	}
	later := monday().AddDate(0, 0, 90-3) // due in three days
	r.Clock.Set(later)
	if posted, err := k.PostVerifyReminder(ctx, r.Bot, "presale", later); err != nil || !posted {
		t.Fatalf("posted %v, %v", posted, err)
	}
	r.Drain()
	got := botSaid(r, "presale", "知识复核提醒")
	if len(got) != 1 {
		t.Fatalf("%d reminders, want 1: %q", len(got), got)
	}
	for _, want := range []string{"1 条已到期或 7 天内到期", e.Ref() + " 买完降价了能退差价吗 · 负责人 小王 · 到期 2027-02-21", "@小王 请确认内容仍然正确"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("reminder lacks %q:\n%s", want, got[0])
		}
	}
}

func TestStatsReturnsTheMonthsRows(t *testing.T) {
	r, k := rig(t)
	ctx := context.Background()
	approved(t, k, wang, "运费险多久到账", "退货签收后72小时内赔付到支付宝")
	e, _, err := k.Svc.Submit(ctx, "presale", wang, knowledge.Submission{Question: "赠品可以换吗", Answer: "不可以"}, knowledge.Origin{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Svc.Reject(ctx, "presale", e.ID, chen, "答案不完整"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.Svc.Submit(ctx, "presale", li, knowledge.Submission{Question: "发票怎么开", Answer: "订单详情里申请电子发票"}, knowledge.Origin{}); err != nil {
		t.Fatal(err)
	}
	loc := r.Cfg.Location()
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, loc), time.Date(2026, 11, 30, 23, 59, 59, 0, loc)
	rows, err := knowledgebot.Stats{Svc: k.Svc}.KnowledgeSheet(ctx, "presale", from, to)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]int{}
	for _, row := range rows {
		got[row.Member] = [3]int{row.Submitted, row.Approved, row.Rejected}
	}
	want := map[string][3]int{"xiaowang": {2, 1, 1}, "xiaoli": {1, 0, 0}}
	if len(got) != len(want) || got["xiaowang"] != want["xiaowang"] || got["xiaoli"] != want["xiaoli"] {
		t.Errorf("rows = %v, want %v", got, want)
	}
	// Last month had nothing.
	rows, err = knowledgebot.Stats{Svc: k.Svc}.KnowledgeSheet(ctx, "presale", from.AddDate(0, -1, 0), from.Add(-time.Second))
	if err != nil || len(rows) != 0 {
		t.Errorf("October rows = %v, %v; want none", rows, err)
	}
}

func TestDemoSeederFillsTheBase(t *testing.T) {
	r := bottest.New(t, bottest.At(monday()))
	k := &knowledgebot.Knowledge{Svc: knowledge.New(r.Store, knowledge.DefaultSettings(), r.Clock.Now)}
	r.Seed(k.DemoSeeder(r.Store, r.Clock.Now))
	st, err := k.Svc.Stats(context.Background(), "presale")
	if err != nil {
		t.Fatal(err)
	}
	if st.ByState[knowledge.Approved] == 0 {
		t.Errorf("the demo base has no approved entries: %+v", st)
	}
}

func TestPruneProposesThePoorlyRatedToTheSupervisors(t *testing.T) {
	r, k := rig(t)
	ctx := context.Background()
	e := approved(t, k, wang, "运费险多久到账", "退货签收后72小时内赔付到支付宝")
	if posted, err := k.PostPrune(ctx, r.Bot, "presale", monday()); err != nil || posted {
		t.Fatalf("nothing to prune yet: posted %v, %v", posted, err)
	}
	for _, who := range []knowledge.Actor{li, {ID: "aqiang", Name: "阿强"}, {ID: "xiaowen", Name: "小文"}} {
		if _, _, err := k.Svc.Vote(ctx, "presale", e.ID, who, false, "规则变了"); err != nil {
			t.Fatal(err)
		}
	}
	j := k.Jobs(r.Bot)[2]
	if j.Name != "knowledge-prune" {
		t.Fatalf("third job is %s", j.Name)
	}
	if err := j.Fn(ctx, jobs.Run{TeamID: "presale", Slot: monday()}); err != nil {
		t.Fatal(err)
	}
	r.Drain()
	got := botSaid(r, "presale", "知识库每周复盘")
	if len(got) != 1 {
		t.Fatalf("%d reviews, want 1: %q", len(got), got)
	}
	wantLines := []string{"建议下线 1 条", "**" + e.Ref() + "** 运费险多久到账 — 👎 3 / 3 票（100%）", "规则变了", "@陈主管 请逐条确认"}
	for _, want := range wantLines {
		if !strings.Contains(got[0], want) {
			t.Errorf("review lacks %q:\n%s", want, got[0])
		}
	}
}
