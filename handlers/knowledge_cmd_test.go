package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/lesson"
)

// kbRig is a started rig with the knowledge commands on an empty base.
func kbRig(t *testing.T) *bottest.Rig {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	r := bottest.New(t, bottest.At(time.Date(2026, 11, 23, 10, 0, 0, 0, loc)))
	svc := knowledge.New(r.Store, knowledge.DefaultSettings(), r.Clock.Now)
	r.Add((&handlers.Knowledge{Svc: svc, Bank: lesson.NewRepo(r.Store)}).Commands()...)
	r.Start()
	return r
}

// kbPrivate is every bot message in member's private chat, as text.
func kbPrivate(r *bottest.Rig, member string) []string {
	var out []string
	for _, e := range r.Messages("inbox:"+member, 0) {
		if e.From == "bot" {
			out = append(out, bottest.Text(e))
		}
	}
	return out
}

const kbFreight = "/submit 运费险多久到账 | 退货签收后72小时内赔付到支付宝 #运费险"

func TestKnowledgeSubmitAndApprove(t *testing.T) {
	r := kbRig(t)
	wantIn(t, "/submit", r.Ask("presale", "xiaowang", kbFreight),
		"已收到 小王 的投稿 **#1**", "问：运费险多久到账", "@陈主管 有新的投稿待审核")
	wantIn(t, "/submit without text", r.Ask("presale", "xiaowang", "/submit"), "请写上问题和答案。", "/submit 问题 | 答案")
	// Reviewing is for supervisors.
	wantIn(t, "agent /approve", r.Ask("presale", "xiaoli", "/approve 1"), "抱歉，/approve 仅限主管及以上角色使用")
	wantIn(t, "agent /review", r.Ask("presale", "xiaoli", "/review"), "仅限主管")
	wantIn(t, "/review", r.Ask("presale", "chen", "/review"), "待审核投稿（1 条）", "#1", "小王")
	wantIn(t, "/approve not a number", r.Ask("presale", "chen", "/approve abc"), "“abc”不是条目编号")
	wantIn(t, "/approve", r.Ask("presale", "chen", "/approve 1"),
		"已通过 **#1**", "负责人：小王", "@小王 你的投稿 #1「运费险多久到账」已通过审核")
	// Now /ask and /kb find it.
	wantIn(t, "/ask answered", r.Ask("presale", "xiaoli", "/ask 运费险多久到账"), "知识库里已有答案：**#1**", "退货签收后72小时内赔付到支付宝", "/useful 1")
	wantIn(t, "/kb search", r.Ask("presale", "xiaoli", "/kb 运费险"), "知识库搜索：运费险", "#1")
	wantIn(t, "/kb id", r.Ask("presale", "xiaoli", "/kb 1"), "**#1 运费险多久到账**（已发布）", "负责人：小王")
	wantIn(t, "/kb stats", r.Ask("presale", "xiaoli", "/kb"), "售前组 知识库**：已发布 1 条")
	wantIn(t, "/kb no hit", r.Ask("presale", "xiaoli", "/kb 开发票"), "知识库里没有找到“开发票”")
	// The other team's base is its own.
	wantIn(t, "other team /kb 1", r.Ask("aftersale", "xiaozhou", "/kb 1"), "#1")
	if got := r.Ask("aftersale", "xiaozhou", "/kb 1"); strings.Contains(got, "运费险") {
		t.Errorf("aftersale sees presale's entry: %s", got)
	}
}

func TestKnowledgeRejectIsPrivate(t *testing.T) {
	r := kbRig(t)
	r.Ask("presale", "xiaowang", kbFreight)
	wantIn(t, "/reject without reason", r.Ask("presale", "chen", "/reject 1"), "/reject 编号 原因")
	after := r.Say("presale", "chen", "/reject 1 与 #2 重复")
	r.Drain()
	var reply string
	for _, e := range r.Messages("presale", after) {
		if e.From == "bot" {
			reply = bottest.Text(e)
			if len(e.OnlyFor) != 1 || e.OnlyFor[0] != "chen" {
				t.Errorf("the rejection is shown to %v in the group, want chen alone", e.OnlyFor)
			}
		}
	}
	wantIn(t, "/reject", reply, "已驳回 **#1**", "已私信告知 小王 原因")
	if strings.Contains(reply, "@小王") {
		t.Errorf("the submitter is @-ed in the group: %s", reply)
	}
	got := kbPrivate(r, "xiaowang")
	if len(got) != 1 {
		t.Fatalf("the submitter got %d private messages, want 1: %q", len(got), got)
	}
	wantIn(t, "submitter's note", got[0], "你的投稿 #1「运费险多久到账」未通过审核，原因：与 #2 重复")
}

func TestKnowledgeAskRecordsOpenQuestions(t *testing.T) {
	r := kbRig(t)
	wantIn(t, "/ask new", r.Ask("presale", "xiaowang", "/ask 直播间抽奖的奖品什么时候发"), "已记录问题：直播间抽奖的奖品什么时候发")
	wantIn(t, "/ask again", r.Ask("presale", "xiaoli", "/ask 直播间抽奖的奖品什么时候发"), "已被问过 **2 次**（2 人）")
	wantIn(t, "/ask empty", r.Ask("presale", "xiaoli", "/ask"), "/ask 问题")
	// A private chat of a one-team member is that team's.
	wantIn(t, "/ask privately", r.Ask("inbox:xiaoli", "xiaoli", "/ask 发票怎么开"), "已记录问题：发票怎么开")
	// A submission in a private chat reaches the reviewers one to one.
	wantIn(t, "/submit privately", r.Ask("inbox:xiaoli", "xiaoli", "/submit 发票怎么开 | 订单详情里申请电子发票"),
		"已收到 小李 的投稿 **#1**", "已私信通知主管审核")
	got := kbPrivate(r, "chen")
	if len(got) != 1 {
		t.Fatalf("the supervisor got %d private messages, want 1: %q", len(got), got)
	}
	wantIn(t, "supervisor's note", got[0], "小李 私聊投稿了 **#1**「发票怎么开」，等待审核，请在售前组群里发送 /审核 查看。")
	for _, s := range r.BotSaid("presale") {
		if strings.Contains(s, "发票") {
			t.Errorf("a private submission reached the group: %q", s)
		}
	}
}

func TestKnowledgeToQuizAndFeedback(t *testing.T) {
	r := kbRig(t)
	r.Ask("presale", "xiaowang", kbFreight)
	r.Ask("presale", "chen", "/approve 1")
	wantIn(t, "/toquiz", r.Ask("presale", "xiaoli", "/toquiz 1"), "测验题草稿 **题1**")
	wantIn(t, "/toquiz bad id", r.Ask("presale", "xiaoli", "/toquiz 第一条"), "不是条目编号")
	wantIn(t, "agent /approve 题1", r.Ask("presale", "xiaoli", "/approve 题1"), "仅限主管")
	wantIn(t, "/approve 题1", r.Ask("presale", "chen", "/approve 题1"), "已把 **题1** 加入题库", "kb-presale")
	wantIn(t, "/approve 题1 again", r.Ask("presale", "chen", "/approve 题1"), "题1 已经在题库里了")

	wantIn(t, "/useful", r.Ask("presale", "xiaoli", "/useful 1"), "👍 谢谢反馈！#1 目前 👍 1 · 👎 0")
	wantIn(t, "/notuseful without reason", r.Ask("presale", "xiaoli", "/notuseful 1"), "/notuseful 编号 原因")
	wantIn(t, "/notuseful", r.Ask("presale", "xiaoli", "/notuseful 1 规则变了"), "👎 已记录", "原因：规则变了")
	// The owner hears of it privately (besides the approval in the group).
	got := kbPrivate(r, "xiaowang")
	if len(got) != 1 {
		t.Fatalf("the owner got %d private messages, want 1: %q", len(got), got)
	}
	wantIn(t, "owner's note", got[0], "小李 觉得你负责的 #1「运费险多久到账」没解决问题：规则变了", "/edit 1")
}
