package knowledge

import (
	"context"
	"testing"
)

// An entry asking the same thing (one question inside the other, or close
// to it, also through its similar questions) never gives a wrong option:
// its answer may be right here too. A merely related question still does.
func TestToQuizSkipsAnswersOfSimilarEntries(t *testing.T) {
	ctx := context.Background()
	s, _ := seedDemo(t)
	e := approve(t, s, "presale", wang, "多久发货 | 付款后48小时内从杭州仓发出 #发货")
	inside := approve(t, s, "presale", li, "预售商品多久发货 | 以商品页标注的预售发货时间为准 #发货")
	close := approve(t, s, "presale", li, "问题：现货一般几天能发出\n相似问题：一般多久发货\n答案：两天内，节假日顺延一天\n标签：发货")
	related := approve(t, s, "presale", li, "发货后可以改地址吗 | 发货后不能改地址，可联系快递转寄 #发货")
	if len(close.Similar) != 1 {
		t.Fatalf("similar question not read: %+v", close)
	}
	ds := distractors(mustIndex(t, s, "presale"), e, 10)
	got := map[int64]bool{}
	for _, d := range ds {
		got[d.ID] = true
	}
	if got[inside.ID] || got[close.ID] {
		t.Errorf("similar entries' answers offered as wrong options: %v", ds)
	}
	if !got[related.ID] {
		t.Errorf("a related entry is a fair distractor: %v", ds)
	}
	d, _, err := s.ToQuiz(ctx, "presale", e.ID, li)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range checkDraft(t, e, d) {
		if o == inside.Answer || o == close.Answer {
			t.Errorf("draft offers %q as wrong: %v", o, d.Options)
		}
	}
}
