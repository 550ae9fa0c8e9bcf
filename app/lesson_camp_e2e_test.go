package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

// campStartTime is a Monday morning, after the camp job's 09:00 slot.
func campStartTime() time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 10, 12, 10, 0, 0, 0, loc)
}

// answerFor is the text that answers q right (or wrong) as shown on card
// (nil for a fill-in question, which is asked as text).
func answerFor(t *testing.T, q *lesson.Question, card *bot.Card, right bool) string {
	t.Helper()
	switch q.Type {
	case lesson.Fill:
		if right {
			return q.Answer[0]
		}
		return "不知道"
	case lesson.TrueFalse:
		if (q.AnswerText() == "对") == right {
			return "对"
		}
		return "错"
	}
	if card == nil {
		t.Fatalf("choice question %s came without a card", q.ID)
	}
	correct := map[string]bool{}
	for _, i := range q.Correct() {
		correct[q.Options[i]] = true
	}
	var good, bad []string
	for _, o := range card.Options {
		text, ok := strings.CutPrefix(o.Label, o.ID+". ")
		if !ok {
			continue // 提交
		}
		if correct[text] {
			good = append(good, o.ID)
		} else {
			bad = append(bad, o.ID)
		}
	}
	if len(good) != len(q.Correct()) || len(bad) == 0 {
		t.Fatalf("card %s does not show question %s's options: %+v", card.ID, q.ID, card.Options)
	}
	if right {
		return strings.Join(good, "")
	}
	return bad[0]
}

// answerSet answers member's personal set in their inbox, its first
// question posted after message id after: right[i] says whether question i
// is answered right. It returns the bot's reply to the last answer.
func (r *lessonRun) answerSet(member string, after int64, right []bool) string {
	r.t.Helper()
	ctx := context.Background()
	repo := r.app.Lessons().Repo
	bank, err := repo.Bank(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	inbox := "inbox:" + member
	last := ""
	for i, ok := range right {
		msg := r.waitBot(inbox, after, fmt.Sprintf("第 %d/%d 题", i+1, len(right)))
		p, err := repo.Personal(ctx, member)
		if err != nil || p == nil {
			r.t.Fatalf("question %d: no set in progress for %s (%v)", i+1, member, err)
		}
		if p.Idx != i || len(p.QIDs) != len(right) {
			r.t.Fatalf("set at question %d of %d, want %d of %d", p.Idx+1, len(p.QIDs), i+1, len(right))
		}
		q, _ := bank.Question(p.QIDs[i])
		if !strings.Contains(msg.body(), q.Text) {
			r.t.Fatalf("question %d is not %s: %q", i+1, q.ID, msg.body())
		}
		after = r.lastID(inbox)
		last = r.ask(inbox, member, answerFor(r.t, q, msg.Card, ok))
	}
	return last
}

// campDay moves the clock to 09:00 of the camp's day d and runs the camp job.
func (r *lessonRun) campDay(d int) {
	r.t.Helper()
	s := campStartTime()
	at := time.Date(s.Year(), s.Month(), s.Day()+d-1, 9, 0, 0, 0, s.Location())
	r.clock.Add(at.Sub(r.clock.Now()))
	r.runJob("lesson-camp", "presale", at)
	r.drain()
}

func groupHas(r *lessonRun, chat, text string) bool {
	for _, m := range r.messages(chat, 0) {
		if strings.Contains(m.body(), text) {
			return true
		}
	}
	return false
}

func TestCampSevenDaysExamFailThenPass(t *testing.T) {
	clock := &lessonClock{t: campStartTime()}
	cfg := demoConfig(t)
	cfg.Lesson.Camp.ExamQuestions = 5
	cfg.Lesson.Camp.PassPercent = 80
	cfg.Lesson.Camp.ExtendDays = 2
	cfg.Awards.NewHireDays = 365 // 小美 (hired 2026-04-01) is still new here
	r := startLessonApp(t, cfg, clock)
	const group, inbox = "presale", "inbox:xiaomei"

	// Who may start a camp, for whom.
	if got := r.ask(group, "xiaowang", "/camp start @小美"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent starting a camp: %q", got)
	}
	if got := r.ask(group, "chen", "/camp start @路人甲"); !strings.Contains(got, "没有找到 @路人甲") {
		t.Errorf("unknown member: %q", got)
	}
	if got := r.ask(group, "chen", "/camp start @小周"); !strings.Contains(got, "没有找到") {
		t.Errorf("a member of another team: %q", got)
	}
	if got := r.ask(group, "chen", "/camp start"); !strings.Contains(got, "请写明新人的名字") {
		t.Errorf("no name: %q", got)
	}
	if got := r.ask(group, "chen", "/camp"); !strings.Contains(got, "没有进行中的新人特训营") {
		t.Errorf("status without a camp: %q", got)
	}
	if got := r.ask(group, "chen", "/camp start @阿强"); !strings.Contains(got, "不再是新人") {
		t.Errorf("a camp for someone hired long ago: %q", got)
	}

	// Day 1 runs at once; the content goes to the new hire's private chat.
	got := r.ask(group, "chen", "/camp start @小美")
	for _, want := range []string{"已为 小美 开启新人7天特训营", "第 1–2 天企业文化与商品知识", "第 7 天结业考试（80 分及格，未通过自动延长 2 天）", "私聊"} {
		if !strings.Contains(got, want) {
			t.Errorf("start reply lacks %q: %q", want, got)
		}
	}
	if got := r.ask(group, "chen", "/特训营 start 小美"); !strings.Contains(got, "小美 的新人特训营已经在进行中") {
		t.Errorf("second start: %q", got)
	}
	r.drain()
	day1 := r.waitBot(inbox, 0, "新人特训营 · 第 1/7 天").body()
	for _, want := range []string{"企业文化与商品知识", "禁忌用语", "服务礼仪与规范用语", "FABE商品介绍法"} {
		if !strings.Contains(day1, want) {
			t.Errorf("day 1 lacks %q:\n%s", want, day1)
		}
	}
	r.waitBot(inbox, 0, "今天的练习共 6 题")
	// Day 1's practice, answered in the inbox: right or wrong at once.
	if got := r.answerSet("xiaomei", 0, []bool{true, true, true, true, true, false}); !strings.Contains(got, "❌ 正确答案") {
		t.Errorf("a wrong practice answer: %q", got)
	}
	r.waitBot(inbox, 0, "特训营练习完成**：答对 5/6 题")
	if groupHas(r, group, "新人特训营 · 第") || groupHas(r, group, "特训营练习") {
		t.Error("camp content went to the group")
	}

	// The camp job delivers one day a day, never twice.
	themes := map[int][]string{
		2: {"企业文化与商品知识", "首响与响应时效", "尺码推荐"},
		3: {"服务流程演练", "7天无理由退货", "运费险"},
		4: {"服务流程演练", "价保", "大促活动规则"},
		5: {"模拟顾客实战", "**模拟顾客 · 过敏退货**", "差评挽回"},
		6: {"模拟顾客实战", "**模拟顾客 · 物流延迟安抚**", "催发货"},
	}
	for d := 2; d <= 6; d++ {
		mark := r.lastID(inbox)
		r.campDay(d)
		body := r.waitBot(inbox, mark, fmt.Sprintf("新人特训营 · 第 %d/7 天", d)).body()
		for _, want := range themes[d] {
			if !strings.Contains(body, want) {
				t.Errorf("day %d lacks %q:\n%s", d, want, body)
			}
		}
		if d == 5 && strings.Contains(body, "顾客：双十一") {
			t.Errorf("day 5 says 顾客 twice:\n%s", body)
		}
		if d == 3 {
			if got := r.ask(group, "chen", "/camp status"); !strings.Contains(got, "小美：第 3/7 天（服务流程演练）") {
				t.Errorf("status on day 3: %q", got)
			}
			// The job again the same day adds nothing.
			mark = r.lastID(inbox)
			r.runJob("lesson-camp", "presale", clock.Now())
			r.drain()
			if n := len(r.messages(inbox, mark)); n != 0 {
				t.Errorf("the job run twice on day 3 posted %d more messages", n)
			}
		}
	}

	// Day 7: the exam, 5 questions, nothing revealed until the end.
	mark := r.lastID(inbox)
	r.campDay(7)
	if got := r.waitBot(inbox, mark, "第 7/7 天：结业考试").body(); !strings.Contains(got, "共 5 题，80 分及格") {
		t.Errorf("exam intro: %q", got)
	}
	if got := r.ask(group, "chen", "/camp status"); !strings.Contains(got, "小美：第 7/7 天（结业考试）") {
		t.Errorf("status on day 7: %q", got)
	}
	if got := r.answerSet("xiaomei", mark, []bool{true, false, true, false, true}); strings.Contains(got, "正确答案") {
		t.Errorf("the exam revealed an answer: %q", got)
	}
	fail := r.waitBot(inbox, mark, "结业考试未通过").body()
	for _, want := range []string{"60 分", "答对 3/5 题", "延长 2 天", "第 9 天补考"} {
		if !strings.Contains(fail, want) {
			t.Errorf("fail notice to the new hire lacks %q: %q", want, fail)
		}
	}
	sup := r.waitBot("inbox:chen", 0, "小美 的结业考试未通过").body()
	for _, want := range []string{"@陈主管", "60 分", "延长 2 天", "共 9 天"} {
		if !strings.Contains(sup, want) {
			t.Errorf("fail notice to the supervisor lacks %q: %q", want, sup)
		}
	}
	for _, m := range r.messages(group, 0) {
		if strings.Contains(m.body(), "考试未通过") {
			t.Errorf("a failed exam was announced in the group: %q", m.body())
		}
	}
	if got := r.ask(group, "chen", "/camp status"); !strings.Contains(got, "小美：第 7/9 天") || !strings.Contains(got, "考试成绩 60") {
		t.Errorf("status after the failed exam: %q", got)
	}

	// Day 8 more simulated customers, day 9 the second exam.
	mark = r.lastID(inbox)
	r.campDay(8)
	if got := r.waitBot(inbox, mark, "新人特训营 · 第 8/9 天").body(); !strings.Contains(got, "模拟顾客实战") {
		t.Errorf("day 8: %q", got)
	}
	mark = r.lastID(inbox)
	r.campDay(9)
	r.waitBot(inbox, mark, "第 9/9 天：结业考试")
	// A review may not replace the exam.
	if got := r.ask(inbox, "xiaomei", "/复习"); !strings.Contains(got, "结业考试") || !strings.Contains(got, "答完") {
		t.Errorf("/复习 during the exam: %q", got)
	}
	r.answerSet("xiaomei", mark, []bool{true, true, true, true, false})
	pass := r.waitBot(inbox, mark, "通过新人特训营结业考试").body()
	if !strings.Contains(pass, "80 分") || !strings.Contains(pass, "恭喜") {
		t.Errorf("pass notice to the new hire: %q", pass)
	}
	if got := r.waitBot(group, 0, "小美 通过新人特训营结业考试").body(); !strings.Contains(got, "@陈主管") || !strings.Contains(got, "恭喜") {
		t.Errorf("pass announcement in the group: %q", got)
	}
	if got := r.ask(group, "chen", "/camp status"); !strings.Contains(got, "小美：已结业（80 分）") {
		t.Errorf("status after passing: %q", got)
	}
	// A passed camp gets no more days.
	mark = r.lastID(inbox)
	r.campDay(10)
	if n := len(r.messages(inbox, mark)); n != 0 {
		t.Errorf("day 10 after passing posted %d messages", n)
	}
	c, err := r.app.Lessons().Repo.Camp(context.Background(), "xiaomei")
	if err != nil || c == nil || c.Status != "passed" || fmt.Sprint(c.Exams) != "[60 80]" {
		t.Errorf("camp record: %+v %v", c, err)
	}
}

// A camp passed at the first try congratulates and ends.
func TestCampExamPassFirstTime(t *testing.T) {
	clock := &lessonClock{t: campStartTime()}
	cfg := demoConfig(t)
	cfg.Lesson.Camp.ExamQuestions = 4
	cfg.Lesson.Camp.PassPercent = 75
	r := startLessonApp(t, cfg, clock)
	r.ask("aftersale", "lin", "/camp start @小吴")
	r.drain()
	r.waitBot("inbox:xiaowu", 0, "新人特训营 · 第 1/7 天")
	mark := r.lastID("inbox:xiaowu")
	// The job on day 7 runs the exam even when days were missed.
	s := campStartTime()
	at := time.Date(s.Year(), s.Month(), s.Day()+6, 9, 0, 0, 0, s.Location())
	r.clock.Add(at.Sub(r.clock.Now()))
	r.runJob("lesson-camp", "aftersale", at)
	r.waitBot("inbox:xiaowu", mark, "第 7/7 天：结业考试")
	r.answerSet("xiaowu", mark, []bool{true, true, false, true})
	r.waitBot("inbox:xiaowu", mark, "恭喜")
	if got := r.waitBot("aftersale", 0, "小吴 通过新人特训营结业考试").body(); !strings.Contains(got, "75 分") || !strings.Contains(got, "@林主管") {
		t.Errorf("pass announcement: %q", got)
	}
	if got := r.ask("aftersale", "lin", "/camp status"); !strings.Contains(got, "小吴：已结业（75 分）") {
		t.Errorf("status: %q", got)
	}
	// A new camp may be started again for someone who passed (a returning hire).
	if got := r.ask("aftersale", "lin", "/camp start @小吴"); !strings.Contains(got, "已为 小吴 开启") {
		t.Errorf("restart after passing: %q", got)
	}
}
