package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/textfold"
)

// fold maps full-width ASCII to half-width, the ideographic space to a space
// and letters to lower case.
func fold(r rune) rune { return unicode.ToLower(textfold.Rune(r)) }

// units cuts text into search units: one per Han character, one per run of
// letters or digits (folded). Punctuation and spaces break the text into
// segments; a unit bigram never spans two segments. fn is called with each
// unit, its byte span in text and whether it starts a new segment.
func units(text string, fn func(u string, start, end int, newSegment bool)) {
	var word []byte
	wordStart, wordEnd, raw := -1, 0, true
	newSeg := true
	flush := func() {
		if wordStart >= 0 {
			u := text[wordStart:wordEnd]
			if !raw {
				u = string(word)
			}
			fn(u, wordStart, wordEnd, newSeg)
			newSeg = false
			wordStart, word, raw = -1, word[:0], true
		}
	}
	for i, r := range text {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
		}
		f := fold(r)
		switch {
		case unicode.Is(unicode.Han, f):
			flush()
			fn(text[i:i+size], i, i+size, newSeg)
			newSeg = false
		case unicode.IsLetter(f) || unicode.IsDigit(f):
			if wordStart < 0 {
				wordStart = i
			}
			word = utf8.AppendRune(word, f)
			wordEnd = i + size
			raw = raw && f == r
		default:
			flush()
			newSeg = true
		}
	}
	flush()
}

// terms calls fn with each term of text: unit bigrams (both units meaningful)
// and meaningful unigrams, and returns the number of units. A bigram always
// holds a Han character and a unigram is one Han character or one word, so
// the two never collide as keys.
func terms(text string, fn func(term string, bigram bool)) int {
	n := 0
	prev, prevStart, prevEnd := "", 0, 0
	units(text, func(u string, start, end int, newSeg bool) {
		n++
		if newSeg {
			prev = ""
		}
		stop := stopChars[u]
		if !stop {
			fn(u, false)
		}
		if prev != "" && !stop && !stopChars[prev] {
			var bg string
			if prevEnd == start && text[prevStart:prevEnd] == prev && text[start:end] == u {
				bg = text[prevStart:end]
			} else {
				bg = prev + u
			}
			if !stopBigrams[bg] {
				fn(bg, true)
			}
		}
		prev, prevStart, prevEnd = u, start, end
	})
	return n
}

// stopChars are function characters that carry no meaning alone; a bigram
// containing one of them is ignored, and they are never unigram terms.
var stopChars = map[string]bool{
	"的": true, "了": true, "吗": true, "呢": true, "啊": true, "吧": true, "呀": true,
	"么": true, "嘛": true, "哦": true, "哈": true, "嗯": true, "啦": true, "哪": true,
	"我": true, "你": true, "您": true, "他": true, "她": true, "它": true, "们": true,
	"是": true, "在": true, "和": true, "与": true, "就": true, "都": true, "也": true,
	"这": true, "那": true, "个": true, "怎": true, "请": true, "问": true, "把": true,
	"被": true, "给": true, "要": true, "又": true, "可": true, "什": true, "如": true,
	"何": true, "为": true, "一": true, "该": true, "得": true, "着": true,
}

// stopBigrams are frequent question words that slip through stopChars.
var stopBigrams = map[string]bool{
	"咨询": true, "客户": true, "顾客": true, "买家": true, "亲亲": true,
}

// Terms is a text cut for matching: unit bigrams and unigrams without function
// words, each with its count.
type Terms struct {
	Bigrams  map[string]int
	Unigrams map[string]int
	Len      int // units in the text
}

// Analyze cuts text into terms.
func Analyze(text string) Terms {
	t := Terms{Bigrams: map[string]int{}, Unigrams: map[string]int{}}
	t.Len = terms(text, func(term string, bigram bool) {
		if bigram {
			t.Bigrams[term]++
		} else {
			t.Unigrams[term]++
		}
	})
	return t
}

// features are the terms two questions are compared on: the bigrams, or the
// unigrams when the text is too short to have any.
func features(text string) map[string]int {
	t := Analyze(text)
	if len(t.Bigrams) > 0 {
		return t.Bigrams
	}
	return t.Unigrams
}

// Similarity is the Dice coefficient of the two texts' bigram sets, in [0, 1].
func Similarity(a, b string) float64 {
	return dice(features(a), features(b))
}

func dice(a, b map[string]int) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	common := 0
	for k := range a {
		if _, ok := b[k]; ok {
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// Normalize is text folded and stripped of everything but letters, digits and
// Han characters: two questions typed differently but alike have the same
// normal form.
func Normalize(text string) string {
	var b strings.Builder
	units(text, func(u string, _, _ int, _ bool) { b.WriteString(u) })
	return b.String()
}

// Len is the length of s in characters.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Clip shortens s to at most n characters, marking the cut with "…".
func Clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
