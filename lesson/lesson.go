// Package lesson is the daily 15-minute micro-lesson: the lesson bank and its
// question types, answer matching, scoring, the lesson timeline, the
// wrong-answer book and their storage. It knows nothing about chat platforms.
package lesson

import (
	"fmt"
	"strings"
)

// QType is a question type.
type QType string

// Question types.
const (
	Single    QType = "single"    // 单选
	Multiple  QType = "multiple"  // 多选
	TrueFalse QType = "truefalse" // 判断
	Fill      QType = "fill"      // 填空
)

// Label is the type's Chinese name.
func (t QType) Label() string {
	switch t {
	case Single:
		return "单选"
	case Multiple:
		return "多选"
	case TrueFalse:
		return "判断"
	case Fill:
		return "填空"
	}
	return string(t)
}

// ParseQType accepts the type's English or Chinese name.
func ParseQType(s string) (QType, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "single", "单选", "单选题":
		return Single, true
	case "multiple", "多选", "多选题":
		return Multiple, true
	case "truefalse", "true/false", "tf", "判断", "判断题":
		return TrueFalse, true
	case "fill", "填空", "填空题":
		return Fill, true
	}
	return "", false
}

// MaxOptions is the most options a choice question may have (A to F).
const MaxOptions = 6

// Lesson is one micro-lesson: a knowledge point, a case and its questions.
type Lesson struct {
	ID        string     `yaml:"id" json:"id"`
	Topic     string     `yaml:"topic" json:"topic"`
	Category  string     `yaml:"category" json:"category"`
	Tags      []string   `yaml:"tags,omitempty" json:"tags,omitempty"`
	Knowledge string     `yaml:"knowledge" json:"knowledge"`
	Case      string     `yaml:"case" json:"case"`
	Prompt    string     `yaml:"prompt" json:"prompt"`
	Questions []Question `yaml:"questions" json:"questions"`
}

// Question is one quiz question. For choice questions Answer holds option
// letters ("B", or "A","C" for multiple choice); for true/false "对" or "错";
// for fill-in every accepted answer.
type Question struct {
	ID          string   `yaml:"id" json:"id"`
	Type        QType    `yaml:"type" json:"type"`
	Text        string   `yaml:"text" json:"text"`
	Options     []string `yaml:"options,omitempty" json:"options,omitempty"`
	Answer      []string `yaml:"answer" json:"answer"`
	Explanation string   `yaml:"explanation" json:"explanation"`
}

// Letter is the option letter for index i (0 → "A").
func Letter(i int) string { return string(rune('A' + i)) }

// Correct returns the original indexes of the correct options of a choice
// question, sorted, or for true/false {0} for 对 and {1} for 错.
func (q *Question) Correct() []int {
	switch q.Type {
	case TrueFalse:
		if v, ok := parseTF(q.Answer[0]); ok && !v {
			return []int{1}
		}
		return []int{0}
	case Single, Multiple:
		var out []int
		for _, a := range q.Answer {
			l := strings.ToUpper(strings.TrimSpace(a))
			if len(l) == 1 && l[0] >= 'A' && l[0] < 'A'+MaxOptions {
				out = append(out, int(l[0]-'A'))
			}
		}
		sortInts(out)
		return out
	}
	return nil
}

// AnswerText is the correct answer as a person reads it, with original
// letters ("B. 48小时内").
func (q *Question) AnswerText() string {
	switch q.Type {
	case TrueFalse:
		if q.Correct()[0] == 0 {
			return "对"
		}
		return "错"
	case Fill:
		return strings.Join(q.Answer, " / ")
	}
	var parts []string
	for _, i := range q.Correct() {
		parts = append(parts, Letter(i)+". "+q.Options[i])
	}
	return strings.Join(parts, "；")
}

// validate checks one question; the error says what is wrong, the caller says where.
func (q *Question) validate() error {
	if strings.TrimSpace(q.ID) == "" {
		return fmt.Errorf("题目缺少编号（id）")
	}
	if strings.TrimSpace(q.Text) == "" {
		return fmt.Errorf("题目 %s 缺少题干（text）", q.ID)
	}
	if _, ok := ParseQType(string(q.Type)); !ok {
		return fmt.Errorf("题目 %s 的题型 %q 不认识（可用：single 单选、multiple 多选、truefalse 判断、fill 填空）", q.ID, q.Type)
	}
	q.Type, _ = ParseQType(string(q.Type))
	if len(q.Answer) == 0 {
		return fmt.Errorf("题目 %s 缺少答案（answer）", q.ID)
	}
	switch q.Type {
	case Single, Multiple:
		if len(q.Options) < 2 || len(q.Options) > MaxOptions {
			return fmt.Errorf("题目 %s 是%s题，需要 2 到 %d 个选项，现有 %d 个", q.ID, q.Type.Label(), MaxOptions, len(q.Options))
		}
		for i, o := range q.Options {
			if strings.TrimSpace(o) == "" {
				return fmt.Errorf("题目 %s 的选项 %s 为空", q.ID, Letter(i))
			}
		}
		seen := map[string]bool{}
		for _, a := range q.Answer {
			l := strings.ToUpper(strings.TrimSpace(a))
			if len(l) != 1 || l[0] < 'A' || int(l[0]-'A') >= len(q.Options) {
				return fmt.Errorf("题目 %s 的答案 %q 不是有效选项（应为 A 到 %s 的字母）", q.ID, a, Letter(len(q.Options)-1))
			}
			if seen[l] {
				return fmt.Errorf("题目 %s 的答案 %s 重复", q.ID, l)
			}
			seen[l] = true
		}
		if q.Type == Single && len(q.Answer) != 1 {
			return fmt.Errorf("题目 %s 是单选题，只能有一个答案，现有 %d 个", q.ID, len(q.Answer))
		}
		if q.Type == Multiple && len(q.Answer) < 2 {
			return fmt.Errorf("题目 %s 是多选题，至少要有两个正确答案", q.ID)
		}
	case TrueFalse:
		if len(q.Answer) != 1 {
			return fmt.Errorf("题目 %s 是判断题，答案只能是 对 或 错", q.ID)
		}
		if _, ok := parseTF(q.Answer[0]); !ok {
			return fmt.Errorf("题目 %s 是判断题，答案 %q 应为 对 或 错", q.ID, q.Answer[0])
		}
		q.Options = nil
	case Fill:
		for _, a := range q.Answer {
			if Normalize(a) == "" {
				return fmt.Errorf("题目 %s 有一个空的可接受答案", q.ID)
			}
		}
		q.Options = nil
	}
	if strings.TrimSpace(q.Explanation) == "" {
		return fmt.Errorf("题目 %s 缺少解析（explanation）", q.ID)
	}
	return nil
}

// Validate checks a lesson without its questions' positions; Bank validation
// names where a problem is.
func (l *Lesson) Validate() error {
	switch {
	case strings.TrimSpace(l.ID) == "":
		return fmt.Errorf("课程缺少编号（id）")
	case strings.TrimSpace(l.Topic) == "":
		return fmt.Errorf("课程 %s 缺少主题（topic）", l.ID)
	case strings.TrimSpace(l.Category) == "":
		return fmt.Errorf("课程 %s 缺少分类（category）", l.ID)
	case strings.TrimSpace(l.Knowledge) == "":
		return fmt.Errorf("课程 %s 缺少知识点（knowledge）", l.ID)
	case strings.TrimSpace(l.Case) == "":
		return fmt.Errorf("课程 %s 缺少案例（case）", l.ID)
	case len(l.Questions) == 0:
		return fmt.Errorf("课程 %s 没有题目", l.ID)
	}
	return nil
}

// Matches reports whether a lesson is about topic: its id, topic, category or
// one of its tags contains it (or the other way round).
func (l *Lesson) Matches(topic string) bool {
	t := Normalize(topic)
	if t == "" {
		return false
	}
	for _, s := range append([]string{l.ID, l.Topic, l.Category}, l.Tags...) {
		n := Normalize(s)
		if n != "" && (strings.Contains(n, t) || strings.Contains(t, n)) {
			return true
		}
	}
	return false
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
