package wording

import (
	"reflect"
	"strings"
	"testing"
)

func TestCheckFindsListedWords(t *testing.T) {
	c := Checker{Lists: Starter(), Weights: DefaultWeights}
	r := c.Check("这个我不清楚，不归我管，你自己看吧。我们家是全网第一，质量最好！")
	var got []string
	for _, h := range r.Hits {
		got = append(got, h.Kind+":"+h.Word)
	}
	want := []string{"taboo:不清楚", "taboo:不归我管", "taboo:你自己看", "absolute:第一", "absolute:最好"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hits = %v, want %v", got, want)
	}
	if r.Taboo()[0].Instead == "" || r.Absolute()[0].Instead == "" {
		t.Errorf("every starter hit has an alternative: %+v", r.Hits)
	}
	if r.Temperature >= 60 || Band(r.Temperature) != "偏冷" {
		t.Errorf("a deflecting reply is cold: %d", r.Temperature)
	}
}

func TestExemptPhrasesAreNotHits(t *testing.T) {
	c := Checker{Lists: Starter()}
	r := c.Check("不好意思让您久等了，我们第一时间为您补发，不用担心。")
	if !r.Clean() {
		t.Errorf("第一时间, 不好意思, 不用担心 are everyday phrases: %+v", r.Hits)
	}
	if r.Affirm.Score != 1 {
		t.Errorf("no negative sentence: %+v", r.Affirm)
	}
}

func TestTemperatureFormula(t *testing.T) {
	c := Checker{Lists: Starter(), Weights: DefaultWeights}
	for _, tc := range []struct {
		text string
		want int
	}{
		// two sentences affirmative, two solution cues (马上, 为您) plus a
		// time limit, care (抱歉): 60 + 30 + 10.
		{"非常抱歉让您久等了。我马上为您查询物流，2小时内回复您。", 100},
		// affirmative, no solution, no care: 60.
		{"好的亲。", 60},
		// one of two sentences negative (50% of 60 = 30), one solution cue
		// (处理: half of 30 = 15), no care: 45.
		{"这个不行。我处理一下。", 45},
		// negative only, no cues: 0.
		{"不行", 0},
	} {
		r := c.Check(tc.text)
		if r.Temperature != tc.want {
			t.Errorf("%q: temperature %d, want %d (affirm %+v solution %+v care %+v)", tc.text, r.Temperature, tc.want, r.Affirm, r.Solution, r.Care)
		}
	}
	// Other weights: care alone counts.
	r := Checker{Weights: Weights{Care: 1}}.Check("谢谢您的耐心")
	if r.Temperature != 100 {
		t.Errorf("care-only weights: %d", r.Temperature)
	}
}

func TestMissingParts(t *testing.T) {
	r := Checker{Lists: Starter()}.Check("好的。")
	if len(r.Missing) != 2 || !strings.Contains(r.Missing[0], "解决方案") || !strings.Contains(r.Missing[1], "情感关怀") {
		t.Errorf("missing = %v", r.Missing)
	}
}

func TestSuggestPicksWarmestCleanCandidate(t *testing.T) {
	c := Checker{Lists: Starter(), Weights: DefaultWeights}
	r := c.Check("不清楚，你自己看。")
	cands := []Candidate{
		{Ref: "#1", Answer: "这是全网最低价。"},                 // not clean
		{Ref: "#2", Answer: "我帮您查询。"},                   // warm enough
		{Ref: "#3", Answer: "抱歉让您久等，我马上为您查询，24小时内回复您。"}, // warmest
	}
	best, br := c.Suggest(r, cands)
	if best == nil || best.Ref != "#3" || br.Temperature <= r.Temperature {
		t.Fatalf("suggest = %+v %+v", best, br)
	}
	if best, _ := c.Suggest(c.Check(cands[2].Answer), cands); best != nil {
		t.Errorf("nothing is warmer than the warmest: %+v", best)
	}
}

func TestRewrite(t *testing.T) {
	r := Checker{Lists: Starter()}.Check("这个不清楚，我们是最好的。")
	got, changed := r.Rewrite()
	if !changed || strings.Contains(got, "不清楚") || strings.Contains(got, "最好") || !strings.Contains(got, "我马上帮您确认一下") {
		t.Errorf("rewrite = %q", got)
	}
}

func TestListsWith(t *testing.T) {
	l := Lists{Taboo: []string{"不清楚"}}
	l, changed := l.With(KindTaboo, []string{"不清楚", "亲你懂吗", " "}, false)
	if !reflect.DeepEqual(l.Taboo, []string{"不清楚", "亲你懂吗"}) || !reflect.DeepEqual(changed, []string{"亲你懂吗"}) {
		t.Errorf("add: %v %v", l.Taboo, changed)
	}
	l, changed = l.With(KindTaboo, []string{"不清楚", "没有的词"}, true)
	if !reflect.DeepEqual(l.Taboo, []string{"亲你懂吗"}) || !reflect.DeepEqual(changed, []string{"不清楚"}) {
		t.Errorf("remove: %v %v", l.Taboo, changed)
	}
	if k, ok := ParseKind("极限词"); !ok || k != KindAbsolute {
		t.Errorf("ParseKind(极限词) = %q %v", k, ok)
	}
}
