// Package wording checks a customer-service reply against the team's 话术
// standard: 禁忌用语 (negative or deflecting phrases), absolute terms that
// advertising law forbids in sales replies, and the 话术温度计 — a reply's
// temperature from its affirmative sentences (肯定句), its solution (解决方案)
// and its care for the customer (情感关怀), each read from cues the check
// names, so an agent sees why a reply is cold.
//
// The package knows nothing about chat platforms or the store: the team's
// lists come in as Lists, the approved answers to suggest as Candidates.
package wording

import (
	"sort"
	"strings"
	"unicode"
)

// Lists are a team's word lists: 禁忌用语 and 绝对化用语.
type Lists struct {
	Taboo    []string `json:"taboo"`
	Absolute []string `json:"absolute"`
}

// Kinds of list, as typed in /words.
const (
	KindTaboo    = "taboo"
	KindAbsolute = "absolute"
)

// ParseKind reads a list name: "禁忌"/"禁忌用语"/"taboo", "绝对"/"绝对化"/"极限词"/"absolute".
func ParseKind(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "禁忌", "禁忌用语", "禁忌词", "taboo":
		return KindTaboo, true
	case "绝对", "绝对化", "绝对化用语", "极限词", "广告法", "absolute":
		return KindAbsolute, true
	}
	return "", false
}

// KindLabel is a list's Chinese name.
func KindLabel(kind string) string {
	if kind == KindAbsolute {
		return "绝对化用语"
	}
	return "禁忌用语"
}

// Of returns the list of a kind.
func (l Lists) Of(kind string) []string {
	if kind == KindAbsolute {
		return l.Absolute
	}
	return l.Taboo
}

// With returns the lists with words added to (or, when remove, taken from)
// the list of kind, and the words that changed it. Words are trimmed; empty
// ones and ones already in (or not in) the list are skipped.
func (l Lists) With(kind string, words []string, remove bool) (Lists, []string) {
	cur := append([]string(nil), l.Of(kind)...)
	has := map[string]bool{}
	for _, w := range cur {
		has[w] = true
	}
	var changed []string
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" || has[w] == !remove {
			continue
		}
		has[w] = !remove
		changed = append(changed, w)
	}
	var out []string
	if remove {
		for _, w := range cur {
			if has[w] {
				out = append(out, w)
			}
		}
	} else {
		out = append(cur, changed...)
	}
	if kind == KindAbsolute {
		l.Absolute = out
	} else {
		l.Taboo = out
	}
	return l, changed
}

// Weights are the 话术温度计 shares in percent (60, 30, 10 by default).
type Weights struct {
	Affirm, Solution, Care int
}

// DefaultWeights is the practice's formula: 肯定句 60% + 解决方案 30% + 情感关怀 10%.
var DefaultWeights = Weights{Affirm: 60, Solution: 30, Care: 10}

// Hit is one listed word found in a reply.
type Hit struct {
	Word    string
	Kind    string // KindTaboo or KindAbsolute
	Instead string // a better way to say it, "" when there is no stock one
}

// Part is one part of the temperature: its score (0 to 1) and the cues
// behind it.
type Part struct {
	Score float64
	Cues  []string // what was found ("马上", "抱歉" …) or, for 肯定句, the negative sentences
}

// Result is what the check found in one reply.
type Result struct {
	Text        string
	Hits        []Hit
	Affirm      Part // share of sentences without negative or deflecting words
	Solution    Part
	Care        Part
	Temperature int // 0 to 100
	Missing     []string
}

// Clean reports whether nothing listed was found.
func (r *Result) Clean() bool { return len(r.Hits) == 0 }

// Taboo lists the 禁忌用语 found.
func (r *Result) Taboo() []Hit { return r.hitsOf(KindTaboo) }

// Absolute lists the absolute terms found.
func (r *Result) Absolute() []Hit { return r.hitsOf(KindAbsolute) }

func (r *Result) hitsOf(kind string) []Hit {
	var out []Hit
	for _, h := range r.Hits {
		if h.Kind == kind {
			out = append(out, h)
		}
	}
	return out
}

// Band names a temperature: 温暖 (80+), 尚可 (60+), 偏冷.
func Band(t int) string {
	switch {
	case t >= 80:
		return "温暖"
	case t >= 60:
		return "尚可"
	}
	return "偏冷"
}

// Checker checks replies with a team's lists and the temperature weights.
type Checker struct {
	Lists   Lists
	Weights Weights
}

// Check reads one reply.
func (c Checker) Check(text string) *Result {
	text = strings.TrimSpace(text)
	r := &Result{Text: text}
	r.Hits = append(r.Hits, find(text, c.Lists.Taboo, KindTaboo)...)
	r.Hits = append(r.Hits, find(text, c.Lists.Absolute, KindAbsolute)...)
	r.Affirm = affirm(text, c.Lists.Taboo)
	r.Solution = cuesPart(text, solutionCues, 2)
	if hasTimeLimit(text) {
		r.Solution.Cues = append(r.Solution.Cues, "承诺时限")
		r.Solution.Score = min(1, float64(len(r.Solution.Cues))/2)
	}
	r.Care = cuesPart(text, careCues, 1)
	w := c.Weights
	if w.Affirm+w.Solution+w.Care <= 0 {
		w = DefaultWeights
	}
	total := float64(w.Affirm + w.Solution + w.Care)
	t := (r.Affirm.Score*float64(w.Affirm) + r.Solution.Score*float64(w.Solution) + r.Care.Score*float64(w.Care)) / total * 100
	r.Temperature = int(t + 0.5)
	if r.Solution.Score == 0 {
		r.Missing = append(r.Missing, "解决方案：没有说会怎么办、什么时候办好（如“我马上为您查询，24小时内回复您”）")
	}
	if r.Care.Score == 0 {
		r.Missing = append(r.Missing, "情感关怀：没有一句体谅客户的话（如“让您久等了，非常抱歉”）")
	}
	return r
}

// exempt are everyday phrases that contain a listed word but say nothing
// absolute or negative: "第一时间" is a promise of speed, not a ranking.
var exempt = []string{"第一时间", "第一次", "第一步", "第一天", "不客气", "不好意思", "不用担心", "别担心", "不要担心", "不麻烦", "不会影响", "不影响", "非常", "无论", "无需", "未发货", "未签收", "未收到"}

// blank replaces the exempt phrases in s by spaces of the same length, so
// offsets stay put and a listed word inside them is not found.
func blank(s string) string {
	for _, e := range exempt {
		s = strings.ReplaceAll(s, e, strings.Repeat("□", len([]rune(e))))
	}
	return s
}

func find(text string, words []string, kind string) []Hit {
	b := blank(text)
	var out []Hit
	seen := map[string]bool{}
	for _, w := range words {
		if w == "" || seen[w] || !strings.Contains(b, w) {
			continue
		}
		seen[w] = true
		out = append(out, Hit{Word: w, Kind: kind, Instead: instead(w, kind)})
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.Index(b, out[i].Word) < strings.Index(b, out[j].Word) })
	return out
}

// stock are better ways to say the starter words.
var stock = map[string]string{
	"不清楚":   "我马上帮您确认一下",
	"不知道":   "我马上帮您确认一下",
	"不归我管":  "我帮您联系负责的同事，处理好第一时间告诉您",
	"不关我的事": "我帮您联系负责的同事，处理好第一时间告诉您",
	"你自己看":  "我把具体步骤发给您",
	"自己去查":  "我帮您查一下",
	"没办法":   "我们可以这样处理",
	"不可能":   "我帮您核实一下",
	"我不管":   "我来帮您跟进",
	"找别人":   "我帮您联系负责的同事",
	"听不懂吗":  "可能是我没说清楚，我换个方式说明",
	"爱买不买":  "您可以再考虑一下，有问题随时找我",
	"这是规定":  "根据平台规则，我们可以为您这样处理",
	"不能退":   "我帮您看看可以怎么处理",
	"系统问题":  "我马上帮您排查原因",
}

func instead(w, kind string) string {
	if kind == KindAbsolute {
		return "删去或换成可以证明的说法（如“很受欢迎”“销量靠前”）"
	}
	return stock[w]
}

// negatives are words that make a sentence negative or deflecting.
var negatives = []string{"不", "没", "无法", "别", "未", "非", "拒绝", "免谈"}

// affirm scores the share of sentences with no negative word and no taboo
// word; the negative sentences are its cues.
func affirm(text string, taboo []string) Part {
	sentences := Sentences(text)
	if len(sentences) == 0 {
		return Part{}
	}
	pos := 0
	var neg []string
	for _, s := range sentences {
		b := blank(s)
		bad := false
		for _, w := range taboo {
			if w != "" && strings.Contains(b, w) {
				bad = true
			}
		}
		for _, w := range negatives {
			if strings.Contains(b, w) {
				bad = true
			}
		}
		if bad {
			neg = append(neg, s)
		} else {
			pos++
		}
	}
	return Part{Score: float64(pos) / float64(len(sentences)), Cues: neg}
}

// Sentences splits text at Chinese and Western sentence ends and line
// breaks; empty pieces are dropped.
func Sentences(text string) []string {
	parts := strings.FieldsFunc(text, func(r rune) bool {
		return strings.ContainsRune("。！？!?；;\n~～", r)
	})
	var out []string
	for _, p := range parts {
		p = strings.TrimFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// solutionCues say what will be done.
var solutionCues = []string{"马上", "立即", "立刻", "为您", "帮您", "给您", "安排", "处理", "补发", "重新发", "退款", "换货", "退货", "申请", "查询", "核实", "跟进", "联系", "反馈", "登记", "步骤", "点击", "可以"}

// careCues show care for the customer.
var careCues = []string{"抱歉", "不好意思", "理解", "辛苦", "久等", "感谢", "谢谢", "别担心", "不用担心", "放心", "着急", "心情", "给您带来", "麻烦您"}

func cuesPart(text string, cues []string, full int) Part {
	var found []string
	for _, c := range cues {
		if strings.Contains(text, c) {
			found = append(found, c)
		}
	}
	return Part{Score: min(1, float64(len(found))/float64(full)), Cues: found}
}

// hasTimeLimit finds a promised time ("24小时内", "2小时", "今天内", "3天").
func hasTimeLimit(text string) bool {
	for _, u := range []string{"小时", "分钟", "天内", "日内", "个工作日", "今天内", "今天之内", "明天"} {
		if i := strings.Index(text, u); i >= 0 {
			if u == "今天内" || u == "今天之内" || u == "明天" {
				return true
			}
			before := []rune(text[:i])
			if n := len(before); n > 0 && (unicode.IsDigit(before[n-1]) || strings.ContainsRune("一二两三四五六七八九十半", before[n-1])) {
				return true
			}
		}
	}
	return false
}

// Candidate is an approved answer the check may suggest instead.
type Candidate struct {
	Ref    string // "#12"
	Answer string
}

// Suggest picks the warmest clean candidate warmer than r, nil when none is.
func (c Checker) Suggest(r *Result, cands []Candidate) (*Candidate, *Result) {
	var best *Candidate
	var bestR *Result
	for i := range cands {
		cr := c.Check(cands[i].Answer)
		if !cr.Clean() || cr.Temperature <= r.Temperature {
			continue
		}
		if bestR == nil || cr.Temperature > bestR.Temperature {
			best, bestR = &cands[i], cr
		}
	}
	return best, bestR
}

// Rewrite replaces the listed words found in text by their stock
// alternatives (absolute terms are removed), for a first draft when no
// approved answer fits. It reports whether it changed anything.
func (r *Result) Rewrite() (string, bool) {
	out := r.Text
	for _, h := range r.Hits {
		switch {
		case h.Kind == KindAbsolute:
			out = strings.ReplaceAll(out, h.Word, "")
		case stock[h.Word] != "":
			out = strings.ReplaceAll(out, h.Word, stock[h.Word])
		}
	}
	if r.Care.Score == 0 && out != "" {
		out = "非常理解您的心情，" + out
	}
	return out, out != r.Text
}
