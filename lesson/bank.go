package lesson

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed bank/*.yaml
var starterFS embed.FS

// Bank is a set of lessons, in order, with questions found by id.
type Bank struct {
	Lessons []*Lesson
	byQID   map[string]*Question
	lessonQ map[string]*Lesson // question id -> its lesson
}

// NewBank indexes lessons. It does not validate them (see Check).
func NewBank(lessons []*Lesson) *Bank {
	b := &Bank{Lessons: lessons, byQID: map[string]*Question{}, lessonQ: map[string]*Lesson{}}
	for _, l := range lessons {
		for i := range l.Questions {
			q := &l.Questions[i]
			b.byQID[q.ID] = q
			b.lessonQ[q.ID] = l
		}
	}
	return b
}

// Lesson finds a lesson by id.
func (b *Bank) Lesson(id string) *Lesson {
	for _, l := range b.Lessons {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// Question finds a question and its lesson by question id.
func (b *Bank) Question(id string) (*Question, *Lesson) {
	return b.byQID[id], b.lessonQ[id]
}

// NumQuestions counts the questions in the bank.
func (b *Bank) NumQuestions() int { return len(b.byQID) }

// Find returns the lessons about topic, best match first: exact topic or id,
// then the rest in bank order.
func (b *Bank) Find(topic string) []*Lesson {
	var exact, other []*Lesson
	n := Normalize(topic)
	for _, l := range b.Lessons {
		switch {
		case Normalize(l.Topic) == n || Normalize(l.ID) == n:
			exact = append(exact, l)
		case l.Matches(topic):
			other = append(other, l)
		}
	}
	return append(exact, other...)
}

// Topics lists the lesson topics for an error message.
func (b *Bank) Topics() []string {
	out := make([]string, 0, len(b.Lessons))
	for _, l := range b.Lessons {
		out = append(out, l.Topic)
	}
	return out
}

// Merge returns a bank of b's lessons with over's lessons replacing those of
// the same id and the new ones appended.
func (b *Bank) Merge(over []*Lesson) *Bank {
	idx := map[string]int{}
	out := make([]*Lesson, 0, len(b.Lessons)+len(over))
	for _, l := range b.Lessons {
		idx[l.ID] = len(out)
		out = append(out, l)
	}
	for _, l := range over {
		if i, ok := idx[l.ID]; ok {
			out[i] = l
			continue
		}
		idx[l.ID] = len(out)
		out = append(out, l)
	}
	return NewBank(out)
}

// RowError is one problem in an imported file, with where it is.
type RowError struct {
	Where string // "第 12 行", "题目 第 5 行"
	Msg   string
}

func (e RowError) Error() string { return e.Where + "：" + e.Msg }

// ImportError lists every problem found in an imported file. Nothing is
// imported when there is one.
type ImportError struct {
	File   string
	Errors []RowError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 有 %d 处错误，未导入任何内容：", e.File, len(e.Errors))
	for i, r := range e.Errors {
		if i == 20 {
			fmt.Fprintf(&b, "\n  …… 另有 %d 处", len(e.Errors)-20)
			break
		}
		b.WriteString("\n  " + r.Error())
	}
	return b.String()
}

// Check validates lessons as a whole: every lesson and question, and ids
// unique across lessons (and across existing, whose ids may be reused only
// by the same lesson). where names a lesson's or question's position.
func Check(lessons []*Lesson, where func(lesson, question int) string) []RowError {
	var errs []RowError
	lessonIDs := map[string]int{}
	qIDs := map[string]string{}
	for li, l := range lessons {
		if err := l.Validate(); err != nil {
			errs = append(errs, RowError{where(li, -1), err.Error()})
		}
		if prev, dup := lessonIDs[l.ID]; dup && l.ID != "" {
			errs = append(errs, RowError{where(li, -1), fmt.Sprintf("课程编号 %s 重复（%s 已用过）", l.ID, where(prev, -1))})
		}
		lessonIDs[l.ID] = li
		for qi := range l.Questions {
			q := &l.Questions[qi]
			if err := q.validate(); err != nil {
				errs = append(errs, RowError{where(li, qi), err.Error()})
				continue
			}
			if other, dup := qIDs[q.ID]; dup {
				errs = append(errs, RowError{where(li, qi), fmt.Sprintf("题目编号 %s 重复（课程 %s 已用过）", q.ID, other)})
			}
			qIDs[q.ID] = l.ID
		}
	}
	return errs
}

type bankFile struct {
	Lessons []*Lesson `yaml:"lessons"`
}

// ParseYAML reads lessons from YAML: either a list of lessons or a mapping
// with a "lessons" list. Errors name the line of the lesson or question.
func ParseYAML(name string, data []byte) ([]*Lesson, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ImportError{File: name, Errors: []RowError{{"YAML", yamlMsg(err)}}}
	}
	if len(root.Content) == 0 {
		return nil, &ImportError{File: name, Errors: []RowError{{"文件", "文件是空的"}}}
	}
	seq := root.Content[0]
	if seq.Kind == yaml.MappingNode {
		seq = mapValue(seq, "lessons")
	}
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, &ImportError{File: name, Errors: []RowError{{"第 1 行", "应为课程列表，或含 lessons: 列表的文件"}}}
	}
	var lessons []*Lesson
	var lines [][]int // per lesson: its line, then each question's line
	var errs []RowError
	for _, n := range seq.Content {
		l := &Lesson{}
		if err := n.Decode(l); err != nil {
			errs = append(errs, RowError{fmt.Sprintf("第 %d 行", n.Line), yamlMsg(err)})
			continue
		}
		ls := []int{n.Line}
		if qs := mapValue(n, "questions"); qs != nil {
			for _, qn := range qs.Content {
				ls = append(ls, qn.Line)
			}
		}
		lessons = append(lessons, l)
		lines = append(lines, ls)
	}
	errs = append(errs, Check(lessons, func(li, qi int) string {
		if qi >= 0 && qi+1 < len(lines[li]) {
			return fmt.Sprintf("第 %d 行（课程 %s 第 %d 题）", lines[li][qi+1], lessons[li].ID, qi+1)
		}
		return fmt.Sprintf("第 %d 行（课程 %s）", lines[li][0], lessons[li].ID)
	})...)
	if len(errs) > 0 {
		return nil, &ImportError{File: name, Errors: errs}
	}
	return lessons, nil
}

func yamlMsg(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	return "YAML 格式错误：" + s
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// MarshalYAML writes lessons in the format ParseYAML reads.
func MarshalYAML(lessons []*Lesson) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(bankFile{Lessons: lessons}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Starter is the bank banzu ships with, embedded in the binary.
func Starter() *Bank {
	starterOnce.Do(func() {
		files, _ := fs.Glob(starterFS, "bank/*.yaml")
		sort.Strings(files)
		var all []*Lesson
		for _, f := range files {
			data, _ := starterFS.ReadFile(f)
			ls, err := ParseYAML(f, data)
			if err != nil {
				panic("lesson: starter bank: " + err.Error())
			}
			all = append(all, ls...)
		}
		if errs := Check(all, func(li, qi int) string { return all[li].ID }); len(errs) > 0 {
			panic("lesson: starter bank: " + errs[0].Error())
		}
		starter = NewBank(all)
	})
	return starter
}

var (
	starterOnce sync.Once
	starter     *Bank
)
