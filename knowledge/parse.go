package knowledge

import (
	"strings"
	"unicode"
)

// Submission is what an agent proposes: a question, its answer, optionally
// other ways of asking it and tags (the first tag is the category).
type Submission struct {
	Question string
	Answer   string
	Similar  []string
	Tags     []string
	// Force submits it even when the submitter already has an entry with
	// the same question pending or published ("!" or "强制" before the text).
	Force bool
}

// CutForce takes the override mark off the front of text: "!", "！" or the
// word "强制" followed by a space or line break. force reports whether it was
// there.
func CutForce(text string) (rest string, force bool) {
	t := strings.TrimSpace(text)
	for _, mark := range []string{"!", "！"} {
		if r, ok := strings.CutPrefix(t, mark); ok {
			return strings.TrimSpace(r), true
		}
	}
	if r, ok := strings.CutPrefix(t, "强制"); ok {
		if r == "" || unicode.IsSpace([]rune(r)[0]) {
			return strings.TrimSpace(r), true
		}
	}
	return text, false
}

// ErrFormat is returned by ParseSubmission for text in neither form.
var ErrFormat = userf(ErrLimit, "没看懂这条投稿：请写成「问题 | 答案 #标签」，或分行写「问：…」「答：…」。")

// field labels of the multi-line form, longest first within each field.
var labels = []struct {
	field string
	names []string
}{
	{"similar", []string{"相似问题", "相似问法", "相似问", "相似"}},
	{"question", []string{"标准问题", "问题", "问", "q"}},
	{"answer", []string{"答案", "回答", "答", "a"}},
	{"tags", []string{"标签", "分类", "tags", "tag"}},
}

// ParseSubmission reads "/submit" text in either form:
//
//	问题 | 答案 #标签 #标签
//
// or one field per line, an answer running over several lines:
//
//	问：…
//	答：…
//	相似问：…；…
//	标签：#… #…
//
// Trailing #tags are taken from the answer in both forms. A leading "!" or
// "强制" (see CutForce) sets Force.
func ParseSubmission(text string) (Submission, error) {
	text, force := CutForce(strings.ReplaceAll(text, "\r\n", "\n"))
	text = strings.TrimSpace(text)
	s := Submission{Force: force}
	if text == "" {
		return s, userf(ErrLimit, "投稿内容不能为空：请写成「问题 | 答案 #标签」。")
	}
	if sub, ok := parseLines(text); ok {
		s = sub
		s.Force = force
	} else {
		q, a, ok := cutBar(text)
		if !ok {
			return s, ErrFormat
		}
		s.Question, s.Answer = q, a
	}
	var tags []string
	s.Answer, tags = trailingTags(s.Answer)
	s.Tags = dedupe(append(s.Tags, tags...))
	s.Question = strings.TrimSpace(s.Question)
	s.Answer = strings.TrimSpace(s.Answer)
	s.Similar = dedupe(s.Similar)
	return s, nil
}

func cutBar(text string) (string, string, bool) {
	i := strings.IndexAny(text, "|｜")
	if i < 0 {
		return "", "", false
	}
	_, size := firstRune(text[i:])
	return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+size:]), true
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i == 0 {
			return r, len(string(r))
		}
	}
	return 0, 0
}

// parseLines reads the multi-line form; ok is false when no line carries the
// question label.
func parseLines(text string) (Submission, bool) {
	var s Submission
	var cur string
	var answer, question []string
	sawQuestion := false
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		field, value := label(trimmed)
		if field == "" {
			if cur == "" {
				if trimmed != "" {
					return s, false // text before the first label
				}
				continue
			}
			field, value = cur, line
		}
		cur = field
		switch field {
		case "question":
			sawQuestion = true
			question = append(question, value)
		case "answer":
			answer = append(answer, value)
		case "similar":
			s.Similar = append(s.Similar, splitList(value, "；;|｜")...)
		case "tags":
			s.Tags = append(s.Tags, splitList(value, "#＃ ,，、;；")...)
		}
	}
	s.Question = strings.TrimSpace(strings.Join(question, " "))
	s.Answer = strings.TrimSpace(strings.Join(answer, "\n"))
	return s, sawQuestion
}

// label recognises "问：…", "Q: …" and the like at the start of a line.
func label(line string) (field, value string) {
	lower := strings.ToLower(line)
	for _, l := range labels {
		for _, n := range l.names {
			if !strings.HasPrefix(lower, n) {
				continue
			}
			rest := strings.TrimLeft(line[len(n):], " \t")
			for _, colon := range []string{"：", ":"} {
				if strings.HasPrefix(rest, colon) {
					return l.field, strings.TrimSpace(rest[len(colon):])
				}
			}
		}
	}
	return "", ""
}

func splitList(s, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(seps, r) || unicode.IsSpace(r) && strings.ContainsRune(seps, ' ')
	}) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// trailingTags takes "#tag" words off the end of text.
func trailingTags(text string) (string, []string) {
	var tags []string
	for {
		trimmed := strings.TrimRightFunc(text, unicode.IsSpace)
		i := strings.LastIndexFunc(trimmed, unicode.IsSpace)
		word := trimmed[i+1:]
		tag, ok := strings.CutPrefix(word, "#")
		if !ok {
			tag, ok = strings.CutPrefix(word, "＃")
		}
		if !ok || tag == "" || strings.ContainsAny(tag, "#＃") {
			break
		}
		tags = append([]string{tag}, tags...)
		if i < 0 {
			text = ""
			break
		}
		text = trimmed[:i]
	}
	return text, tags
}

func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := Normalize(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}
