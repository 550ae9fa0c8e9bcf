package knowledge

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func seedDemo(t *testing.T) (*Service, *clock) {
	t.Helper()
	s, st, clk := newTestService(t)
	if err := SeedDemo(context.Background(), st, DefaultSettings(), clk.Now(), func(id string) string { return id }); err != nil {
		t.Fatal(err)
	}
	return s, clk
}

func approve(t *testing.T, s *Service, team string, by Actor, text string) *Entry {
	t.Helper()
	e, _ := mustSubmit(t, s, team, by, text)
	e, err := s.Approve(context.Background(), team, e.ID, chen, "")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// checkDraft asserts the draft's right option is the entry's answer and no
// wrong option says the same thing.
func checkDraft(t *testing.T, e *Entry, d *QuizDraft) (wrong []string) {
	t.Helper()
	if d.Type != "single" || len(d.Answer) != 1 || d.Options[d.Answer[0]] != Clip(e.Answer, maxOption) {
		t.Fatalf("#%d draft: %+v", e.ID, d)
	}
	right := Normalize(e.Answer)
	seen := map[string]bool{}
	for i, o := range d.Options {
		if seen[o] {
			t.Errorf("#%d: option %q twice", e.ID, o)
		}
		seen[o] = true
		if i == d.Answer[0] {
			continue
		}
		wrong = append(wrong, o)
		n := strings.TrimSuffix(Normalize(o), "…")
		if strings.Contains(right, n) || strings.Contains(n, right) || Similarity(o, e.Answer) > 0.4 {
			t.Errorf("#%d %s: wrong option %q says what the answer %q says", e.ID, e.Question, o, e.Answer)
		}
	}
	return wrong
}

// TestToQuizDistractorsNotEquivalent is the QA case: for 运费险多久到账 the
// answer of 运费险怎么理赔 is right too, so it must not be a wrong option.
func TestToQuizDistractorsNotEquivalent(t *testing.T) {
	ctx := context.Background()
	s, _ := seedDemo(t)
	e := approve(t, s, "presale", wang, "运费险多久到账 | 退货签收后72小时内赔付到支付宝 #运费险")
	other := approve(t, s, "presale", li, "运费险是谁买的 | 运费险由买家下单时自愿购买，部分商品由本店赠送 #运费险")
	d, created, err := s.ToQuiz(ctx, "presale", e.ID, li)
	if err != nil || !created {
		t.Fatal(err)
	}
	wrong := checkDraft(t, e, d)
	for _, o := range wrong {
		if strings.Contains(o, "退货单填写快递单号") {
			t.Errorf("the answer of 运费险怎么理赔 is offered as wrong: %v", d.Options)
		}
	}
	if len(wrong) != 3 || d.Note != "" {
		t.Errorf("want 3 wrong options and no note: %v %q", d.Options, d.Note)
	}
	// The same category comes first.
	if ds := distractors(mustIndex(t, s, "presale"), e, 3); len(ds) == 0 || ds[0].ID != other.ID {
		t.Errorf("distractors: want #%d (same category) first, got %v", other.ID, ds)
	}
}

func mustIndex(t *testing.T, s *Service, team string) *Index {
	t.Helper()
	idx, err := s.index(context.Background(), team)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// TestToQuizDemoKnowledgeBase: every demo entry makes a complete question
// whose wrong options are not right answers too.
func TestToQuizDemoKnowledgeBase(t *testing.T) {
	ctx := context.Background()
	s, _ := seedDemo(t)
	for _, team := range []string{"presale", "aftersale"} {
		entries, err := s.Entries(ctx, team, Approved)
		if err != nil || len(entries) < 3 {
			t.Fatalf("%s: %d entries, %v", team, len(entries), err)
		}
		for _, e := range entries {
			d, _, err := s.ToQuiz(ctx, team, e.ID, wang)
			if err != nil {
				t.Fatal(err)
			}
			if wrong := checkDraft(t, e, d); len(wrong) < MinDistractors || d.Note != "" {
				t.Errorf("%s #%d: %d wrong options, note %q", team, e.ID, len(wrong), d.Note)
			}
		}
	}
}

// TestToQuizTooFewDistractors: the draft says what it lacks instead of
// padding with answers that are right too.
func TestToQuizTooFewDistractors(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newTestService(t)
	e := approve(t, s, "presale", wang, "运费险多久到账 | 退货签收后72小时内赔付到支付宝 #运费险")
	approve(t, s, "presale", li, "运费险怎么理赔 | 退货单填写快递单号并被商家签收后自动理赔，一般72小时内赔付到支付宝，金额按首重计算。 #运费险")
	approve(t, s, "presale", li, "运费险到账多久 | 72小时内赔付到支付宝") // contained in the answer
	d, _, err := s.ToQuiz(ctx, "presale", e.ID, li)
	if err != nil {
		t.Fatal(err)
	}
	if d.Type != "truefalse" || !strings.Contains(d.Note, "没有找到合适的干扰项") {
		t.Errorf("no distractor: %+v", d)
	}
	f := approve(t, s, "presale", wang, "发票怎么开 | 在订单详情页点“申请开票” #发票")
	approve(t, s, "presale", li, "发票怎么申请 | 订单详情页点申请开票") // the same question asked again
	d, _, err = s.ToQuiz(ctx, "presale", f.ID, li)
	if err != nil {
		t.Fatal(err)
	}
	if wrong := checkDraft(t, f, d); len(wrong) != 1 || !strings.Contains(d.Note, "只找到 1 个合适的干扰项") {
		t.Errorf("one distractor: %v %q", d.Options, d.Note)
	}
}

func TestEquivalentAnswers(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"72小时内赔付", "退货签收后，72小时内赔付到支付宝", true},                                    // contained
		{"退货签收后72小时内赔付到支付宝", "退货单填写快递单号并被商家签收后自动理赔，一般72小时内赔付到支付宝，金额按首重计算。", true}, // most of it inside
		{"质量问题我们承担", "签收后30天内出现质量问题可以换货或退货，运费由我们承担", true},
		{"现货付款后48小时内发货", "现货付款后48小时内发货，大促72小时", true},
		{"审核通过后原路退回：支付宝即时到账", "现货付款后48小时内发货", false},
		{"质量问题我们承担", "杭州仓", false},
		{"72小时内赔付", "质量问题我们承担", false},
	} {
		if got := equivalentAnswers(c.a, c.b); got != c.want {
			t.Errorf("equivalentAnswers(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestSubmitDuplicate: a member cannot submit their own pending or
// published question again unless they force it; someone else can.
func TestSubmitDuplicate(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newTestService(t)
	submit := func(by Actor, text string) (*Entry, []Match, error) {
		sub, err := ParseSubmission(text)
		if err != nil {
			t.Fatal(err)
		}
		return s.Submit(ctx, "presale", by, sub, Origin{})
	}
	first, _ := mustSubmit(t, s, "presale", wang, "七天无理由退货怎么申请 | 订单页申请售后 #退货")
	for _, text := range []string{
		"七天无理由退货怎么申请 | 订单页申请售后",     // identical
		"七天无理由退货怎么申请？| 另一个答案",       // the same but for punctuation
		"七天无理由退货要如何申请 | 在订单详情页申请售后", // ≥ 90% alike
	} {
		_, _, err := submit(wang, text)
		if !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), "你已经投过这条：#1「七天无理由退货怎么申请」") ||
			!strings.Contains(err.Error(), "/submit !") {
			t.Errorf("%q: %v", text, err)
		}
	}
	// Less alike is not a duplicate: the hint only.
	if e, ms, err := submit(wang, "七天无理由退货的运费谁出 | 买家承担"); err != nil || len(ms) == 0 || ms[0].Entry.ID != first.ID {
		t.Errorf("a different question: %v %v %v", e, ms, err)
	}
	// Someone else's near-duplicate goes through with the hint.
	other, ms, err := submit(li, "七天无理由退货怎么申请 | 订单页申请售后")
	if err != nil || len(ms) == 0 || ms[0].Entry.ID != first.ID || ms[0].Score < DuplicateMin {
		t.Fatalf("someone else's: %v %v", ms, err)
	}
	// Forced, with "!" or "强制".
	for _, text := range []string{"! 七天无理由退货怎么申请 | 补充：需吊牌完好", "强制\n问：七天无理由退货怎么申请\n答：补充：签收七天内"} {
		e, _, err := submit(wang, text)
		if err != nil || e.Question != "七天无理由退货怎么申请" || !strings.HasPrefix(e.Answer, "补充") {
			t.Errorf("forced %q: %+v %v", text, e, err)
		}
	}
	// Published: pointed at the knowledge base.
	for _, id := range []int64{first.ID, other.ID} {
		if _, err := s.Reject(ctx, "presale", id, chen, "测试"); err != nil {
			t.Fatal(err)
		}
	}
	e := approve(t, s, "presale", wang, "! 下单后多久发货 | 48小时内 #物流")
	_, _, err = submit(wang, "下单后多久发货 | 两天")
	if !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), "知识库里已有 "+e.Ref()+"「下单后多久发货」") || !strings.Contains(err.Error(), "如需补充请 /edit 或联系主管") {
		t.Errorf("published: %v", err)
	}
	// A rejected or retired entry of one's own does not block.
	if _, err := s.Retire(ctx, "presale", e.ID, chen, "测试"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := submit(wang, "下单后多久发货 | 两天"); err != nil {
		t.Errorf("after retirement: %v", err)
	}
}

func TestCutForce(t *testing.T) {
	for _, c := range []struct {
		in, rest string
		force    bool
	}{
		{"! 问题 | 答", "问题 | 答", true},
		{"！问题 | 答", "问题 | 答", true},
		{"强制 问题 | 答", "问题 | 答", true},
		{"强制\n问：x", "问：x", true},
		{"强制退货怎么办 | 答", "强制退货怎么办 | 答", false},
		{"问题 | 答 !", "问题 | 答 !", false},
	} {
		if rest, force := CutForce(c.in); rest != c.rest || force != c.force {
			t.Errorf("CutForce(%q) = %q, %v", c.in, rest, force)
		}
	}
	if sub, err := ParseSubmission("强制退货怎么办 | 先核实 #规则"); err != nil || sub.Force || sub.Question != "强制退货怎么办" {
		t.Errorf("a question starting with 强制: %+v %v", sub, err)
	}
}

// TestAnswer: an /ask a published entry answers well finds it; anything
// less does not.
func TestAnswer(t *testing.T) {
	ctx := context.Background()
	s, _ := seedDemo(t)
	for _, c := range []struct {
		q    string
		want string // question of the answering entry; "" for none
	}{
		{"运费险如何理赔", "运费险怎么理赔"},
		{"运费险怎么理赔？", "运费险怎么理赔"},
		{"刚买就降价了怎么办", "买完降价了能退差价吗"}, // a similar question
		{"下单以后多久发货呀", "下单后多久发货"},
		{"直播间抽奖的奖品什么时候发", ""},
		{"退货运费险怎么买", ""}, // shares words with 运费险怎么理赔, asks something else
		{"发票可以开到公司吗", ""},
		{"下单后可以改地址吗", ""}, // pending, not published
		{"火星登陆计划", ""},
	} {
		m, err := s.Answer(ctx, "presale", c.q)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.want == "" && m != nil:
			t.Errorf("%q: want no answer, got %s %s (%.2f)", c.q, m.Entry.Ref(), m.Entry.Question, m.Score)
		case c.want != "" && (m == nil || m.Entry.Question != c.want):
			t.Errorf("%q: want %q, got %+v", c.q, c.want, m)
		}
	}
	if m, _ := s.Answer(ctx, "aftersale", "运费险如何理赔"); m != nil {
		t.Errorf("another team's entry answered: %v", m.Entry.Ref())
	}
	if _, err := s.Answer(ctx, "presale", strings.Repeat("长", 201)); !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "问题太长了") {
		t.Errorf("long question: %v", err)
	}
}
