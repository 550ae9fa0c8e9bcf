package lesson

import (
	"sort"
	"time"
)

// WeakSpots reports a team's weak topics from its KPIs (a rising bad-review
// rate gives "差评"). The KPI feature provides it; nil means no KPI data.
type WeakSpots interface {
	WeakTopics(teamID string) []string
}

// WeakTopics asks w, which may be nil.
func WeakTopics(w WeakSpots, teamID string) []string {
	if w == nil {
		return nil
	}
	return w.WeakTopics(teamID)
}

// Choice explains why a lesson was chosen.
type Choice struct {
	Lesson *Lesson
	Reason string // Chinese, for the supervisor
}

// Choose picks the day's lesson: the lesson best matching the team's weak
// spots (KPI misses weigh 3, each recent wrong answer on a lesson 1), not
// taught within the repeat window; ties and no signal go to the lesson least
// recently taught, in bank order. lastTaught maps lesson id to when it was
// last taught; recentMisses maps lesson id to recent wrong answers.
func Choose(b *Bank, weak []string, recentMisses map[string]int, lastTaught map[string]time.Time, now time.Time, windowDays int) Choice {
	type cand struct {
		l      *Lesson
		score  int
		last   time.Time
		recent bool
		why    string
		order  int
	}
	cut := now.AddDate(0, 0, -windowDays)
	var cs []cand
	for i, l := range b.Lessons {
		c := cand{l: l, last: lastTaught[l.ID], order: i}
		c.recent = !c.last.IsZero() && c.last.After(cut)
		for _, w := range weak {
			if l.Matches(w) {
				c.score += 3
				c.why = "团队指标薄弱：" + w
				break
			}
		}
		if n := recentMisses[l.ID]; n > 0 {
			c.score += n
			if c.why == "" {
				c.why = "近期错题较多"
			}
		}
		cs = append(cs, c)
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.recent != b.recent {
			return !a.recent
		}
		if a.score != b.score {
			return a.score > b.score
		}
		if !a.last.Equal(b.last) {
			return a.last.Before(b.last)
		}
		return a.order < b.order
	})
	if len(cs) == 0 {
		return Choice{}
	}
	c := cs[0]
	if c.why == "" {
		c.why = "按轮换顺序"
	}
	if c.recent {
		c.why += "（近期课程都已讲过，选最久未讲的）"
	}
	return Choice{Lesson: c.l, Reason: c.why}
}

// PickQuestions chooses n questions of a lesson, keeping bank order but
// making sure several types appear when the lesson has them.
func PickQuestions(l *Lesson, n int) []string {
	if n >= len(l.Questions) {
		out := make([]string, len(l.Questions))
		for i, q := range l.Questions {
			out[i] = q.ID
		}
		return out
	}
	var out []string
	seen := map[QType]bool{}
	taken := map[int]bool{}
	for i, q := range l.Questions {
		if len(out) < n && !seen[q.Type] {
			seen[q.Type] = true
			taken[i] = true
			out = append(out, q.ID)
		}
	}
	for i, q := range l.Questions {
		if len(out) < n && !taken[i] {
			out = append(out, q.ID)
		}
	}
	pos := map[string]int{}
	for i, q := range l.Questions {
		pos[q.ID] = i
	}
	sort.Slice(out, func(i, j int) bool { return pos[out[i]] < pos[out[j]] })
	return out
}

// PickReview chooses up to n questions from the members' due wrong-answer
// books, the ones due for the most members first, leaving out exclude. It
// returns the question ids and, for each, the members reviewing it.
func PickReview(books map[string][]WrongItem, day string, n int, exclude map[string]bool) ([]string, map[string][]string) {
	who := map[string][]string{}
	members := make([]string, 0, len(books))
	for m := range books {
		members = append(members, m)
	}
	sort.Strings(members)
	for _, m := range members {
		for _, w := range books[m] {
			if w.DueOn(day) && !exclude[w.QID] {
				who[w.QID] = append(who[w.QID], m)
			}
		}
	}
	qids := make([]string, 0, len(who))
	for q := range who {
		qids = append(qids, q)
	}
	sort.Slice(qids, func(i, j int) bool {
		if len(who[qids[i]]) != len(who[qids[j]]) {
			return len(who[qids[i]]) > len(who[qids[j]])
		}
		return qids[i] < qids[j]
	})
	if len(qids) > n {
		qids = qids[:n]
	}
	out := map[string][]string{}
	for _, q := range qids {
		out[q] = who[q]
	}
	return qids, out
}

// CampDay is what one day of the new-hire camp covers.
type CampDay struct {
	Theme      string
	Categories []string
	Exam       bool
	Simulated  bool // the day's cases are played as simulated customers
}

// CampPlan is the camp curriculum for day d (1-based) of a camp of days
// days: 1-2 culture and products, 3-4 service process, 5-6 simulated
// customers, the last day the exam; extra days after a failed exam repeat
// the simulated customers.
func CampPlan(d, days int) CampDay {
	switch {
	case d >= days:
		return CampDay{Theme: "结业考试", Exam: true}
	case d <= 2:
		return CampDay{Theme: "企业文化与商品知识", Categories: []string{"服务规范", "销售技巧"}}
	case d <= 4:
		return CampDay{Theme: "服务流程演练", Categories: []string{"平台规则", "售后处理"}}
	default:
		return CampDay{Theme: "模拟顾客实战", Categories: []string{"客户安抚", "售后处理"}, Simulated: true}
	}
}

// CampLessons picks the lessons for a camp day: the day's categories split
// over the days that share them.
func CampLessons(b *Bank, d, days int) []*Lesson {
	plan := CampPlan(d, days)
	if plan.Exam {
		return nil
	}
	in := map[string]bool{}
	for _, c := range plan.Categories {
		in[c] = true
	}
	var ls []*Lesson
	for _, l := range b.Lessons {
		if in[l.Category] {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return nil
	}
	// Two days share a block: the first takes the even lessons, the second
	// the odd ones; extension days rotate.
	half := (d + 1) % 2
	var out []*Lesson
	for i, l := range ls {
		if i%2 == half {
			out = append(out, l)
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// ExamQuestions picks n questions across the bank, spread over lessons,
// deterministically from seed.
func ExamQuestions(b *Bank, n int, seed string) []string {
	var all []string
	for round := 0; len(all) < n; round++ {
		added := false
		for _, l := range b.Lessons {
			if round < len(l.Questions) {
				all = append(all, l.Questions[round].ID)
				added = true
			}
		}
		if !added {
			break
		}
	}
	perm := Shuffle(len(all), seed)
	out := make([]string, 0, n)
	for _, p := range perm {
		if len(out) == n {
			break
		}
		out = append(out, all[p])
	}
	return out
}
