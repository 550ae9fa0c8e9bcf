package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// keep reports whether a member's row belongs in a report (all, or the one agent).
func keep(req *Request, member string) bool { return req.Agent == "" || member == req.Agent }

// ratio is a/b, false when b is zero.
func ratio(a, b int) (float64, bool) {
	if b <= 0 {
		return 0, false
	}
	return float64(a) / float64(b), true
}

// noData writes the single row of a sheet whose provider is missing or failed.
func noData(t *table, x *extras, sheet string, have bool) (bool, error) {
	if msg, failed := x.failed[sheet]; failed {
		return true, t.empty(msg)
	}
	if !have {
		return true, t.empty("暂无数据")
	}
	return false, nil
}

// lessonSheet writes 微课堂: attendance, quiz accuracy and weak topics per
// agent, with a team row first.
func (b *Builder) lessonSheet(f *excelize.File, st *styles, req *Request, data []*teamData, x *extras) error {
	cols := []col{{"团队", 12}, {"客服", 12}, {"课程数", 9}, {"参加", 9}, {"出勤率", 10}, {"答题数", 9}, {"答对", 9}, {"正确率", 10}, {"薄弱知识点", 40}}
	t, err := newTable(f, st, SheetLessons, "微课堂", "", req.Label+" · 每日15分钟微课堂：出勤、答题正确率和薄弱知识点", cols)
	if err != nil {
		return err
	}
	if done, err := noData(t, x, SheetLessons, x.lessons != nil); done || err != nil {
		if err != nil {
			return err
		}
		return t.finish()
	}
	n := 0
	for _, d := range data {
		rows := x.lessons[d.team.ID]
		var lessons, attended, answered, correct int
		topics := map[string]int{}
		var kept []LessonRow
		for _, r := range rows {
			if !keep(req, r.Member) {
				continue
			}
			kept = append(kept, r)
			lessons = max(lessons, r.Lessons)
			attended += r.Attended
			answered += r.Answered
			correct += r.Correct
			for i, w := range r.Weak {
				topics[w] += len(r.Weak) - i // worse topics weigh more
			}
		}
		if len(kept) == 0 {
			continue
		}
		write := func(who string, lessons, possible, attended, answered, correct int, weak []string) error {
			v := t.rowBuf()
			v[0], v[1] = Text(d.team.Name), who
			v[2], v[3] = t.int(lessons), t.int(attended)
			a, ok := ratio(attended, possible)
			v[4] = t.num(kPct, a, ok, false)
			v[5], v[6] = t.int(answered), t.int(correct)
			c, ok := ratio(correct, answered)
			v[7] = t.num(kPct, c, ok, false)
			safe := make([]string, len(weak))
			for i, w := range weak {
				safe[i] = Text(w)
			}
			v[8] = Text(strings.Join(safe, "、"))
			n++
			return t.add(v)
		}
		if req.Agent == "" {
			possible := 0
			for _, r := range kept {
				possible += r.Lessons
			}
			if err := write("全组", lessons, possible, attended, answered, correct, topTopics(topics, 5)); err != nil {
				return err
			}
		}
		for _, r := range kept {
			if err := write(d.name(r.Member), r.Lessons, r.Lessons, r.Attended, r.Answered, r.Correct, r.Weak); err != nil {
				return err
			}
		}
	}
	return t.finishRows(n)
}

// topTopics returns the n topics with the highest weights.
func topTopics(w map[string]int, n int) []string {
	out := make([]string, 0, len(w))
	for k := range w {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if w[out[i]] != w[out[j]] {
			return w[out[i]] > w[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// knowledgeSheet writes 知识众筹: submissions and approvals per contributor.
func (b *Builder) knowledgeSheet(f *excelize.File, st *styles, req *Request, data []*teamData, x *extras) error {
	cols := []col{{"团队", 12}, {"贡献者", 12}, {"提交", 9}, {"通过", 9}, {"驳回", 9}, {"待审", 9}, {"通过率", 10}}
	t, err := newTable(f, st, SheetKnowledge, "知识众筹", "", req.Label+" · 知识众筹：提交、审核通过与贡献者（通过率 = 通过 ÷ 已审核）", cols)
	if err != nil {
		return err
	}
	if done, err := noData(t, x, SheetKnowledge, x.knowledge != nil); done || err != nil {
		if err != nil {
			return err
		}
		return t.finish()
	}
	n := 0
	for _, d := range data {
		var kept []KnowledgeRow
		var sum KnowledgeRow
		contributors := 0
		for _, r := range x.knowledge[d.team.ID] {
			if !keep(req, r.Member) || r.Submitted+r.Approved+r.Rejected == 0 {
				continue
			}
			kept = append(kept, r)
			sum.Submitted += r.Submitted
			sum.Approved += r.Approved
			sum.Rejected += r.Rejected
			if r.Approved > 0 {
				contributors++
			}
		}
		if len(kept) == 0 {
			continue
		}
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].Approved > kept[j].Approved })
		write := func(who string, r KnowledgeRow) error {
			v := t.rowBuf()
			v[0], v[1] = Text(d.team.Name), who
			v[2], v[3], v[4] = t.int(r.Submitted), t.int(r.Approved), t.int(r.Rejected)
			v[5] = t.int(max(0, r.Submitted-r.Approved-r.Rejected))
			a, ok := ratio(r.Approved, r.Approved+r.Rejected)
			v[6] = t.num(kPct, a, ok, false)
			n++
			return t.add(v)
		}
		if req.Agent == "" {
			if err := write(fmt.Sprintf("全组（%d 位贡献者）", contributors), sum); err != nil {
				return err
			}
		}
		for _, r := range kept {
			if err := write(d.name(r.Member), r); err != nil {
				return err
			}
		}
	}
	return t.finishRows(n)
}

// awardSheet writes 荣誉勋章: every award, badge and title of the period.
func (b *Builder) awardSheet(f *excelize.File, st *styles, req *Request, data []*teamData, x *extras) error {
	cols := []col{{"团队", 12}, {"客服", 12}, {"荣誉", 16}, {"日期", 12}, {"积分", 8}, {"说明", 48}}
	t, err := newTable(f, st, SheetAwards, "荣誉勋章", "", req.Label+" · 勋章、月度称号与特别奖", cols)
	if err != nil {
		return err
	}
	if done, err := noData(t, x, SheetAwards, x.awards != nil); done || err != nil {
		if err != nil {
			return err
		}
		return t.finish()
	}
	n := 0
	for _, d := range data {
		rows := append([]AwardRow(nil), x.awards[d.team.ID]...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Date.Before(rows[j].Date) })
		for _, r := range rows {
			if !keep(req, r.Member) {
				continue
			}
			v := t.rowBuf()
			v[0], v[1], v[2] = Text(d.team.Name), d.name(r.Member), Text(r.Award)
			if !r.Date.IsZero() {
				v[3] = excelize.Cell{StyleID: st.plain[kDate], Value: r.Date}
			}
			if r.Points != 0 {
				v[4] = t.int(r.Points)
			}
			v[5] = Text(r.Reason)
			if err := t.add(v); err != nil {
				return err
			}
			n++
		}
	}
	return t.finishRows(n)
}
