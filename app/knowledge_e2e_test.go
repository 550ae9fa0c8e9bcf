package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/points"
)

// kbClock is real time shifted by an offset the test moves forward, so the
// outbox's own timing keeps working while months pass for the knowledge base.
type kbClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *kbClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *kbClock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// kbStart runs a demo banzu (demo data seeded) on a shifted clock.
func kbStart(t *testing.T, clk *kbClock) *running {
	t.Helper()
	return startWith(t, demoConfig(t), app.Options{Now: clk.Now})
}

// kbLastID is the id of the newest message in chat.
func (r *running) kbLastID(chat string) int64 {
	var page struct{ Messages []message }
	r.get("/console/api/messages?chat_id="+chat, &page)
	if len(page.Messages) == 0 {
		return 0
	}
	return page.Messages[len(page.Messages)-1].ID
}

// kbRunJob runs a job for a team now and returns what the bot posted.
func (r *running) kbRunJob(name, team string) string {
	r.t.Helper()
	j, err := r.app.Jobs.Get(name)
	if err != nil {
		r.t.Fatal(err)
	}
	after := r.kbLastID(team)
	if err := j.Fn(context.Background(), jobs.Run{TeamID: team, Slot: r.app.Now()}); err != nil {
		r.t.Fatalf("job %s: %v", name, err)
	}
	r.drain()
	var page struct{ Messages []message }
	r.get(fmt.Sprintf("/console/api/messages?chat_id=%s&after=%d", team, after), &page)
	var out []string
	for _, m := range page.Messages {
		out = append(out, m.Markdown+m.Text)
	}
	return strings.Join(out, "\n---\n")
}

var kbRefRE = regexp.MustCompile(`投稿 \*\*#(\d+)\*\*`)

func kbMust(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
}

func kbMustNot(t *testing.T, got string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(got, w) {
			t.Errorf("reply should not contain %q:\n%s", w, got)
		}
	}
}

func TestKnowledgeLoopThroughConsole(t *testing.T) {
	clk := &kbClock{}
	r := kbStart(t, clk)

	// The demo knowledge base is there.
	kbMust(t, r.ask("presale", "xiaoli", "/kb 价保"), "买完降价了能退差价吗")
	kbMust(t, r.ask("presale", "xiaoli", "/kb"), "售前组 知识库", "已发布 8 条", "待审核 2 条")

	// Submit: stored pending with an id; the similar demo entry is shown.
	got := r.ask("presale", "xiaowang", "/submit 运费险多久能到账 | 三天左右 #运费险")
	kbMust(t, got, "等待主管审核", "知识库里已有相似的条目", "运费险怎么理赔", "@陈主管")
	m := kbRefRE.FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no entry id in %q", got)
	}
	id := m[1]

	// Bad input gets clear answers.
	kbMust(t, r.ask("presale", "xiaowang", "/submit"), "请写上问题和答案", "用法：/submit")
	kbMust(t, r.ask("presale", "xiaowang", "/submit 只有问题没有答案"), "没看懂这条投稿")
	kbMust(t, r.ask("presale", "xiaowang", "/投稿 "+strings.Repeat("长", 201)+" | 答"), "问题太长了：201 字，最多 200 字")
	kbMust(t, r.ask("presale", "xiaowang", "/submit ？？ | 有答案"), "问题不能为空")

	// An agent cannot review.
	kbMust(t, r.ask("presale", "xiaowang", "/approve "+id), "仅限主管")
	kbMust(t, r.ask("presale", "xiaowang", "/审核"), "仅限主管")

	// The supervisor reviews: the list, bad ids, approve with an edit.
	kbMust(t, r.ask("presale", "chen", "/审核"), "待审核投稿（3 条）", "#"+id, "运费险多久能到账", "小王", "与 #")
	kbMust(t, r.ask("presale", "chen", "/approve abc"), "不是条目编号", "用法：/approve")
	kbMust(t, r.ask("presale", "chen", "/approve 999"), "没有编号为 #999 的知识条目")
	kbMust(t, r.ask("presale", "chen", "/reject "+id), "用法：/reject")
	got = r.ask("presale", "chen", "/approve #"+id+" 退货签收后72小时内自动赔付到支付宝，按首重计算")
	kbMust(t, got, "已通过 **#"+id+"**", "答案已由主管修改", "负责人：小王", "@小王", "获得 1000 积分")
	kbMust(t, r.ask("presale", "chen", "/approve "+id), "当前是「已发布」")

	// Reject tells the submitter the reason.
	m = kbRefRE.FindStringSubmatch(r.ask("presale", "xiaoli", "/submit\n问：运费险到账要多久\n答：看情况"))
	if m == nil {
		t.Fatal("second submission has no id")
	}
	// Privately: the reviewer's confirmation is theirs alone, the reason
	// goes to the submitter's private chat, nobody is @-ed in the group.
	mark := r.kbLastID("presale")
	got = r.ask("presale", "chen", "/reject "+m[1]+" 与 #"+id+" 重复")
	kbMust(t, got, "已驳回", "已私信告知 小李")
	kbMustNot(t, got, "@小李", "未通过审核")
	var group struct{ Messages []message }
	r.get(fmt.Sprintf("/console/api/messages?chat_id=presale&after=%d", mark), &group)
	for _, msg := range group.Messages {
		kbMustNot(t, msg.Markdown+msg.Text, "已驳回", "未通过审核", "@小李")
	}
	kbMust(t, strings.Join(r.messagesOf("inbox:xiaoli"), "\n"), "未通过审核，原因：与 #"+id+" 重复")

	// Search finds the approved entry with the edited answer.
	got = r.ask("presale", "xiaoli", "/kb 运费险多久到账")
	kbMust(t, got, "#"+id)
	kbMust(t, r.ask("presale", "xiaoli", "/kb "+id), "运费险多久能到账", "按首重计算", "负责人：小王", "已发布")
	kbMust(t, r.ask("presale", "xiaowang", "/kb "+m[1]), "不在知识库中（已驳回）")
	kbMust(t, r.ask("presale", "xiaoli", "/kb "+m[1]), "已驳回", "原因：与 #"+id+" 重复")
	kbMust(t, r.ask("presale", "xiaoli", "/kb 火星登陆计划"), "没有找到")
	// Another team's knowledge base is its own.
	kbMustNot(t, r.ask("aftersale", "xiaozhou", "/kb 运费险多久到账"), "运费险多久能到账")

	// Unanswered questions are counted and go to the supervisors weekly.
	kbMust(t, r.ask("presale", "xiaoli", "/ask 直播间抽奖的奖品什么时候发？"), "已被问过 **4 次**")
	kbMust(t, r.ask("presale", "xiaoli", "/提问 赠品可以换颜色吗"), "已记录问题")
	got = r.kbRunJob("knowledge-unanswered", "presale")
	kbMust(t, got, "本周高频未解答问题", "1. 直播间抽奖的奖品什么时候发（4 次", "赠品可以换颜色吗", "@陈主管")

	// A quiz draft from the entry, stored for the lessons feature.
	kbMust(t, r.ask("presale", "xiaowang", "/toquiz "+id), "测验题草稿", "按首重计算 ✓")
	v, err := r.app.Store.Get(context.Background(), knowledge.QuizDraftsColl, "presale/knowledge-"+id)
	if err != nil {
		t.Fatalf("quiz draft not stored: %v", err)
	}
	var draft knowledge.QuizDraft
	if err := json.Unmarshal(v, &draft); err != nil || draft.State != "draft" || len(draft.Options) < 2 {
		t.Errorf("quiz draft: %s", v)
	}

	// 85 days on, the weekly reminder lists the entry for its owner.
	got = r.kbRunJob("knowledge-verify", "presale")
	kbMustNot(t, got, "#"+id+" ")
	clk.advance(85 * 24 * time.Hour)
	got = r.kbRunJob("knowledge-verify", "presale")
	kbMust(t, got, "知识复核提醒", "#"+id+" 运费险多久能到账", "负责人 小王", "@小王", "/verify")
	kbMust(t, r.ask("presale", "xiaoli", "/verify "+id), "只有负责人或主管可以复核")
	kbMust(t, r.ask("presale", "xiaowang", "/verify "+id), "已复核 **#"+id+"**")
	kbMustNot(t, r.kbRunJob("knowledge-verify", "presale"), "#"+id+" ")

	// Retire: gone from search.
	kbMust(t, r.ask("presale", "xiaowang", "/retire "+id+" 规则变了"), "仅限主管")
	kbMust(t, r.ask("presale", "chen", "/retire "+id), "用法：/retire")
	kbMust(t, r.ask("presale", "chen", "/retire "+id+" 保险公司规则调整"), "已下线", "保险公司规则调整")
	kbMustNot(t, r.ask("presale", "xiaoli", "/kb 运费险多久到账"), "#"+id+" ")
	kbMust(t, r.ask("presale", "chen", "/retire "+id+" 再来一次"), "当前是「已下线」")

	// Points: the approval and the verification, recorded once each.
	want := map[string]bool{"knowledge_approved": false, "knowledge_verified": false, "knowledge_quiz_draft": false}
	ref := "knowledge:presale:" + id
	r.app.Store.Ledger(context.Background(), points.Ledger, 0, func(_ int64, v []byte) error {
		var p points.Entry
		json.Unmarshal(v, &p)
		if p.Ref == ref && p.Member == "xiaowang" {
			if seen, ok := want[p.Reason]; !ok || seen {
				t.Errorf("unexpected or repeated points entry: %s", v)
			}
			want[p.Reason] = true
		}
		return nil
	})
	for reason, seen := range want {
		if !seen {
			t.Errorf("no %s points for %s", reason, ref)
		}
	}
	if n, _ := strconv.Atoi(id); n <= 10 {
		t.Errorf("demo entries should come first, got id %d", n)
	}
}
