package knowledge

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseSubmission(t *testing.T) {
	cases := []struct {
		name, in string
		want     Submission
	}{
		{"one line", "运费险多久到账 | 签收后72小时内赔付 #运费险 #售后",
			Submission{Question: "运费险多久到账", Answer: "签收后72小时内赔付", Tags: []string{"运费险", "售后"}}},
		{"full-width bar and hash", "运费险多久到账｜签收后72小时内赔付 ＃运费险",
			Submission{Question: "运费险多久到账", Answer: "签收后72小时内赔付", Tags: []string{"运费险"}}},
		{"hash inside the answer stays", "订单号在哪看 | 订单详情页第2行，形如 #123 的编号就是",
			Submission{Question: "订单号在哪看", Answer: "订单详情页第2行，形如 #123 的编号就是"}},
		{"multi-line", "问：买完降价了能退差价吗\n相似问：价格保护怎么申请；刚买就降价了\n答：30天内同款降价可申请价保。\n秒杀价除外。\n标签：#价保 #售前",
			Submission{Question: "买完降价了能退差价吗", Answer: "30天内同款降价可申请价保。\n秒杀价除外。",
				Similar: []string{"价格保护怎么申请", "刚买就降价了"}, Tags: []string{"价保", "售前"}}},
		{"half-width colons and Q/A", "Q: 能开专票吗\nA: 可以，提供税号 #发票",
			Submission{Question: "能开专票吗", Answer: "可以，提供税号", Tags: []string{"发票"}}},
		{"duplicate tags folded", "问：a是什么\n答：b #x #X",
			Submission{Question: "a是什么", Answer: "b", Tags: []string{"x"}}},
	}
	for _, c := range cases {
		got, err := ParseSubmission(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.name, got, c.want)
		}
	}
	for _, bad := range []string{"", "   ", "只有问题没有答案", "随便说说\n问：x"} {
		if _, err := ParseSubmission(bad); err == nil || !errors.Is(err, ErrLimit) {
			t.Errorf("ParseSubmission(%q) = %v, want a user error", bad, err)
		}
	}
}

func TestLimits(t *testing.T) {
	s := DefaultSettings()
	long := strings.Repeat("退", s.MaxQuestion+1)
	cases := []struct {
		sub  Submission
		want string
	}{
		{Submission{Question: "？？", Answer: "有答案"}, "问题不能为空"},
		{Submission{Question: "问题", Answer: " "}, "答案不能为空"},
		{Submission{Question: long, Answer: "a"}, "问题太长了：201 字，最多 200 字"},
		{Submission{Question: "q", Answer: strings.Repeat("答", s.MaxAnswer+5)}, "最多 2000 字"},
		{Submission{Question: "q", Answer: "a", Tags: []string{"1", "2", "3", "4", "5", "6"}}, "标签太多了：6 个，最多 5 个"},
	}
	for _, c := range cases {
		err := s.check(&c.sub)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrLimit) {
			t.Errorf("check(%+v) = %v, want %q", c.sub.Question, err, c.want)
		}
	}
}

func TestAnalyze(t *testing.T) {
	terms := Analyze("７天无理由退货吗？iPhone15")
	for _, want := range []string{"7天", "无理", "退货", "iphone15"} {
		if terms.Bigrams[want] == 0 && terms.Unigrams[want] == 0 {
			t.Errorf("Analyze: missing %q in %v %v", want, terms.Bigrams, terms.Unigrams)
		}
	}
	if terms.Unigrams["吗"] != 0 || terms.Bigrams["货吗"] != 0 {
		t.Errorf("function word kept: %v", terms)
	}
	if terms.Bigrams["吗iphone15"] != 0 {
		t.Error("a bigram crossed punctuation")
	}
	if got := Similarity("七天无理由退货怎么申请", "7天无理由退货如何申请？"); got < 0.6 {
		t.Errorf("similar questions scored %.2f", got)
	}
	if got := Similarity("七天无理由退货怎么申请", "发票抬头写错了"); got != 0 {
		t.Errorf("unrelated questions scored %.2f", got)
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+86 138":           "'+86 138",
		"-1":                "'-1",
		"@SUM(A1)":          "'@SUM(A1)",
		"  =1+1":            "'  =1+1",
		"＝1+1":              "'＝1+1",
		"\t=1":              "'\t=1",
		"退货 = 退款":           "退货 = 退款",
		"":                  "",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
