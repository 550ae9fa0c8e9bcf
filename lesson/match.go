package lesson

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Normalize folds text for comparing fill-in answers: full-width characters
// become half-width, letters lower case, and spaces and punctuation go.
func Normalize(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.IsPunct(r), unicode.IsSymbol(r) && r != '%' && r != '+':
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// parseTF reads a true/false answer.
func parseTF(s string) (bool, bool) {
	switch Normalize(s) {
	case "对", "正确", "是", "√", "t", "true", "y", "yes", "1", "v", "对的":
		return true, true
	case "错", "错误", "否", "不对", "×", "x", "f", "false", "n", "no", "0", "错的":
		return false, true
	}
	switch strings.TrimSpace(s) {
	case "√", "✓", "✔":
		return true, true
	case "×", "✗", "✘":
		return false, true
	}
	return false, false
}

// Response is one person's answer to a question as shown to them: Picks are
// displayed option positions (0 = A) for choice and true/false questions
// (0 = 对, 1 = 错), Text is a fill-in answer.
type Response struct {
	Picks []int  `json:"picks,omitempty"`
	Text  string `json:"text,omitempty"`
}

// AnswerFormatError explains what a valid answer to a question looks like.
type AnswerFormatError struct{ Msg string }

func (e *AnswerFormatError) Error() string { return e.Msg }

// ParseResponse reads a typed answer ("A", "ac", "Ａ、Ｃ", "对", any text for
// fill-in) to a question with n displayed options.
func ParseResponse(q *Question, text string) (Response, error) {
	text = strings.TrimSpace(text)
	switch q.Type {
	case Fill:
		if Normalize(text) == "" {
			return Response{}, &AnswerFormatError{"这是填空题，请直接写出答案，例如 @班组助手 48小时"}
		}
		return Response{Text: text}, nil
	case TrueFalse:
		v, ok := parseTF(text)
		if !ok {
			return Response{}, &AnswerFormatError{"这是判断题，请回答 对 或 错，例如 @班组助手 对"}
		}
		if v {
			return Response{Picks: []int{0}}, nil
		}
		return Response{Picks: []int{1}}, nil
	}
	n := len(q.Options)
	var picks []int
	seen := map[int]bool{}
	for _, r := range width.Fold.String(text) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			i := int(unicode.ToUpper(r) - 'A')
			if i >= n {
				return Response{}, &AnswerFormatError{fmt.Sprintf("选项只有 A 到 %s，请重新作答", Letter(n-1))}
			}
			if !seen[i] {
				seen[i] = true
				picks = append(picks, i)
			}
		case unicode.IsSpace(r), unicode.IsPunct(r):
		default:
			return Response{}, &AnswerFormatError{formatHint(q)}
		}
	}
	if len(picks) == 0 {
		return Response{}, &AnswerFormatError{formatHint(q)}
	}
	if q.Type == Single && len(picks) > 1 {
		return Response{}, &AnswerFormatError{"这是单选题，只能选一个选项，例如 @班组助手 B"}
	}
	sortInts(picks)
	return Response{Picks: picks}, nil
}

func formatHint(q *Question) string {
	if q.Type == Multiple {
		return fmt.Sprintf("这是多选题，请回答选项字母，例如 @班组助手 AC（选项 A 到 %s）", Letter(len(q.Options)-1))
	}
	return fmt.Sprintf("这是单选题，请回答一个选项字母，例如 @班组助手 B（选项 A 到 %s）", Letter(len(q.Options)-1))
}

// Grade reports whether r is right for q, with perm mapping displayed option
// positions to the question's own option indexes (nil: not shuffled).
func Grade(q *Question, perm []int, r Response) bool {
	switch q.Type {
	case Fill:
		got := Normalize(r.Text)
		for _, a := range q.Answer {
			// Normalize drops a decimal point: 18.0 is not 180.
			if got == Normalize(a) && !hasDecimal(r.Text) && !hasDecimal(a) {
				return true
			}
		}
		return numberMatches(q, r.Text)
	case TrueFalse:
		return len(r.Picks) == 1 && r.Picks[0] == q.Correct()[0]
	}
	want := q.Correct()
	if len(r.Picks) != len(want) {
		return false
	}
	got := make([]int, len(r.Picks))
	for i, p := range r.Picks {
		if perm != nil && p < len(perm) {
			got[i] = perm[p]
		} else {
			got[i] = p
		}
	}
	sortInts(got)
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Describe renders a response as displayed ("AC", "对", the text).
func Describe(q *Question, r Response) string {
	switch q.Type {
	case Fill:
		return r.Text
	case TrueFalse:
		if len(r.Picks) == 1 && r.Picks[0] == 0 {
			return "对"
		}
		return "错"
	}
	var b strings.Builder
	for _, p := range r.Picks {
		b.WriteString(Letter(p))
	}
	return b.String()
}

// Shuffle returns a permutation of n options derived from seed, so every
// replica shows a session's options in the same order.
func Shuffle(n int, seed string) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	h := fnv64(seed)
	for i := n - 1; i > 0; i-- {
		h = h*6364136223846793005 + 1442695040888963407
		j := int((h >> 33) % uint64(i+1))
		perm[i], perm[j] = perm[j], perm[i]
	}
	return perm
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// CorrectDisplayed is the correct answer with displayed letters under perm.
func CorrectDisplayed(q *Question, perm []int) string {
	switch q.Type {
	case Fill, TrueFalse:
		return q.AnswerText()
	}
	inv := make([]int, len(perm))
	for d, o := range perm {
		inv[o] = d
	}
	var picks []int
	for _, o := range q.Correct() {
		if perm == nil {
			picks = append(picks, o)
		} else {
			picks = append(picks, inv[o])
		}
	}
	sortInts(picks)
	var parts []string
	for _, d := range picks {
		o := d
		if perm != nil {
			o = perm[d]
		}
		parts = append(parts, Letter(d)+". "+q.Options[o])
	}
	return strings.Join(parts, "；")
}
