package lesson

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestStarterBank(t *testing.T) {
	b := Starter()
	if len(b.Lessons) < 40 || b.NumQuestions() < 200 {
		t.Fatalf("starter bank has %d lessons and %d questions, want at least 40 and 200", len(b.Lessons), b.NumQuestions())
	}
	types := map[QType]int{}
	for _, l := range b.Lessons {
		for _, q := range l.Questions {
			types[q.Type]++
		}
	}
	for _, ty := range []QType{Single, Multiple, TrueFalse, Fill} {
		if types[ty] < 30 {
			t.Errorf("only %d %s questions", types[ty], ty)
		}
	}
	for _, topic := range []string{"7天无理由退货", "价保", "运费险", "物流延迟安抚", "差评挽回", "过敏退货", "大促活动规则", "禁忌用语", "催发货", "尺码推荐"} {
		if len(b.Find(topic)) == 0 {
			t.Errorf("no lesson about %s", topic)
		}
	}
	// Lessons on every platform banzu imports, and on 话术.
	for _, topic := range []string{"淘宝", "天猫", "拼多多", "抖店", "京东", "话术", "广告法", "发票", "三包"} {
		if n := len(b.Find(topic)); n < 2 {
			t.Errorf("%d lessons about %s, want at least 2", n, topic)
		}
	}
}

// TestBankIsSound validates every lesson and question of the starter bank:
// what Check enforces, and what a reviewer of a quiz would look for.
func TestBankIsSound(t *testing.T) {
	b := Starter()
	if errs := Check(b.Lessons, func(li, qi int) string { return fmt.Sprint(li, qi) }); len(errs) > 0 {
		t.Fatalf("check: %v", errs)
	}
	// The camp plan and the 微课 sheet know these categories.
	categories := map[string]bool{"平台规则": true, "售后处理": true, "客户安抚": true, "服务规范": true, "销售技巧": true}
	qids := map[string]bool{}
	for _, l := range b.Lessons {
		if !categories[l.Category] {
			t.Errorf("%s: category %q is not one the camp plan uses", l.ID, l.Category)
		}
		if strings.TrimSpace(l.Prompt) == "" {
			t.Errorf("%s: no discussion prompt", l.ID)
		}
		if len(l.Questions) < 4 {
			t.Errorf("%s: %d questions, a lesson asks 4", l.ID, len(l.Questions))
		}
		taught := Normalize(l.Knowledge)
		for _, q := range l.Questions {
			taught += Normalize(q.Explanation)
		}
		kinds := map[QType]bool{}
		for _, q := range l.Questions {
			kinds[q.Type] = true
			where := l.ID + " " + q.ID
			if !strings.HasPrefix(q.ID, l.ID+"-") {
				t.Errorf("%s: question id should start with its lesson's id", where)
			}
			if qids[q.ID] {
				t.Errorf("%s: question id used twice", where)
			}
			qids[q.ID] = true
			// Every explanation names where its fact comes from.
			_, src, found := strings.Cut(q.Explanation, "来源：")
			if !found || len([]rune(strings.TrimSpace(src))) < 4 {
				t.Errorf("%s: explanation names no source (来源：…): %q", where, q.Explanation)
			}
			if body, _, _ := strings.Cut(q.Explanation, "来源："); len([]rune(strings.TrimSpace(body))) < 8 {
				t.Errorf("%s: explanation says nothing before its source: %q", where, q.Explanation)
			}
			switch q.Type {
			case Single, Multiple:
				seen := map[string]bool{}
				for _, o := range q.Options {
					n := Normalize(o)
					if seen[n] {
						t.Errorf("%s: option %q twice, two answers would be right", where, o)
					}
					seen[n] = true
				}
				if len(q.Correct()) != len(q.Answer) {
					t.Errorf("%s: answers %v are not all options", where, q.Answer)
				}
				if q.Type == Single && len(q.Correct()) != 1 {
					t.Errorf("%s: single choice with %d answers", where, len(q.Correct()))
				}
				if q.Type == Multiple && (len(q.Correct()) < 2 || len(q.Correct()) >= len(q.Options)) {
					t.Errorf("%s: multiple choice with %d of %d options right; want at least two right and one wrong", where, len(q.Correct()), len(q.Options))
				}
			case TrueFalse:
				if len(q.Answer) != 1 {
					t.Errorf("%s: true/false with %d answers", where, len(q.Answer))
				}
			case Fill:
				if !strings.Contains(q.Text, "__") {
					t.Errorf("%s: fill-in without a blank (____)", where)
				}
				text := Normalize(q.Text)
				inLesson := false
				for _, a := range q.Answer {
					if n := Normalize(a); strings.Contains(text, n) {
						t.Errorf("%s: the answer %q is written in the question", where, a)
					}
					if strings.Contains(taught, Normalize(a)) {
						inLesson = true
					}
					// Every accepted answer is graded right.
					if r, err := ParseResponse(&q, a); err != nil || !Grade(&q, nil, r) {
						t.Errorf("%s: its own answer %q is graded wrong", where, a)
					}
				}
				// A number is right with the unit the question asks it in ("7日", "7天").
				if g := askedUnit(&q); g >= 0 {
					for _, a := range q.Answer {
						if _, unit, ok := splitNumber(a); !ok || unit != "" {
							continue
						}
						for _, u := range unitGroups[g] {
							if r, err := ParseResponse(&q, a+u); err != nil || !Grade(&q, nil, r) {
								t.Errorf("%s: %q is graded wrong", where, a+u)
							}
						}
					}
				}
				if !inLesson {
					t.Errorf("%s: no accepted answer %v is taught in the knowledge point or an explanation", where, q.Answer)
				}
			}
		}
		if len(kinds) < 3 {
			t.Errorf("%s: only %d question types", l.ID, len(kinds))
		}
	}
	// True/false answers are not all one way.
	var yes, no int
	for _, l := range b.Lessons {
		for _, q := range l.Questions {
			if q.Type == TrueFalse {
				if q.Correct()[0] == 0 {
					yes++
				} else {
					no++
				}
			}
		}
	}
	if yes*4 < yes+no || no*4 < yes+no {
		t.Errorf("true/false answers: %d 对, %d 错; each should be at least a quarter", yes, no)
	}
}

// TestRepeatWindowLeavesEnoughLessons runs the daily choice for half a year
// with the default 14-day window: no lesson comes back within the window,
// every lesson is taught before any repeats, and a weak spot the team keeps
// for two weeks is followed by a different lesson every working day.
func TestRepeatWindowLeavesEnoughLessons(t *testing.T) {
	b := Starter()
	window := DefaultOptions().RepeatWindow
	start := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC) // a Monday
	last := map[string]time.Time{}
	first := 0
	for d := 0; d < 180; d++ {
		now := start.AddDate(0, 0, d)
		c := Choose(b, nil, nil, last, now, window)
		if prev, ok := last[c.Lesson.ID]; ok {
			if now.Sub(prev) < time.Duration(window)*24*time.Hour {
				t.Fatalf("day %d: %s again after %v", d, c.Lesson.ID, now.Sub(prev))
			}
			if first == 0 {
				first = d
			}
		}
		last[c.Lesson.ID] = now
	}
	if first < len(b.Lessons) {
		t.Errorf("a lesson repeats on day %d, before all %d were taught", first, len(b.Lessons))
	}
	// A KPI weak spot held for two weeks of working days.
	for _, weak := range []string{"差评", "退款率", "满意率", "转化"} {
		last := map[string]time.Time{}
		for d := 0; d < 14; d++ {
			now := start.AddDate(0, 0, d)
			if now.Weekday() == time.Saturday || now.Weekday() == time.Sunday {
				continue
			}
			c := Choose(b, []string{weak}, nil, last, now, window)
			if !c.Lesson.Matches(weak) || strings.Contains(c.Reason, "近期课程都已讲过") {
				t.Errorf("%s, day %d: chose %s (%s), not a fresh lesson on the weak spot", weak, d, c.Lesson.ID, c.Reason)
			}
			last[c.Lesson.ID] = now
		}
	}
}
