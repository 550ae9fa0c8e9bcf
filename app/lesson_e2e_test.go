package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/lesson"
)

func TestLessonEndToEnd(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	cfg := demoConfig(t)
	r := startLessonApp(t, cfg, clock)
	const chat = "presale"
	begin := r.lastID(chat)

	if got := r.ask(chat, "xiaowang", "/lesson start"); !strings.Contains(got, "仅限主管") {
		t.Errorf("an agent starting a lesson: %q", got)
	}
	if got := r.ask(chat, "chen", "/lesson start 不存在的主题"); !strings.Contains(got, "题库里没有") || !strings.Contains(got, "运费险") {
		t.Errorf("unknown topic: %q", got)
	}
	if got := r.ask(chat, "chen", "/lesson stop"); !strings.Contains(got, "现在没有进行中的微课") {
		t.Errorf("stop without a lesson: %q", got)
	}
	if got := r.ask(chat, "xiaowang", "/a B"); !strings.Contains(got, "现在没有进行中的题目") {
		t.Errorf("answer without a lesson: %q", got)
	}

	// Minute 0: the knowledge point.
	if got := r.ask(chat, "chen", "/微课 start 运费险"); !strings.Contains(got, "每日微课堂 · 运费险") || !strings.Contains(got, "**知识点**") || !strings.Contains(got, "72 小时") {
		t.Fatalf("knowledge point: %q", got)
	}
	if got := r.ask(chat, "chen", "/lesson start"); !strings.Contains(got, "已有一节微课在进行中") {
		t.Errorf("second start: %q", got)
	}
	if got := r.ask(chat, "xiaowang", "@班组助手 /a A"); !strings.Contains(got, "小测验还没开始") {
		t.Errorf("answer before the quiz: %q", got)
	}

	// Minute 3: the case.
	mark := r.lastID(chat)
	r.advance(3 * time.Minute)
	if got := r.waitBot(chat, mark, "案例讨论").body(); !strings.Contains(got, "顺丰 23 元") || !strings.Contains(got, "14:08 开始小测验") || !strings.Contains(got, "你的答案只有你自己看得到") {
		t.Errorf("case: %q", got)
	}
	// Discussion is not taken for answers.
	code, _ := r.post(chat, "xiaoli", "我觉得先解释保单的赔付标准")
	if code != http.StatusOK {
		t.Fatal(code)
	}

	// Minute 8: question 1, single choice.
	mark = r.lastID(chat)
	r.advance(5 * time.Minute)
	q1 := r.waitBot(chat, mark, "第 1/").Card
	// Four questions of the lesson, then up to two from the team's wrong-answer
	// books (the demo's past lessons left some).
	var n int
	fmt.Sscanf(q1.Title, "第 1/%d 题", &n)
	if n < 4 || n > 6 {
		t.Fatalf("questions: %q", q1.Title)
	}
	if q1 == nil || len(q1.Options) != 4 {
		t.Fatalf("question 1 should be a card with 4 options: %+v", q1)
	}
	right1 := option(t, q1, "退货退款成功后")
	wrong1 := option(t, q1, "顾客申请退货时")
	r.clock.Add(5 * time.Second)
	if got := r.ask(chat, "xiaowang", "@班组助手 "+strings.ToLower(right1)); !strings.Contains(got, "第 1 题：✅ 你的答案："+right1+"，已记录") || strings.Contains(got, "正确") {
		t.Errorf("first answer: %q", got)
	}
	if got := r.ask(chat, "xiaowang", "@班组助手 "+wrong1); !strings.Contains(got, "只算第一次") {
		t.Errorf("second answer: %q", got)
	}
	if got := r.ask(chat, "xiaoli", "@班组助手 Z"); !strings.Contains(got, "选项只有 A 到 D") {
		t.Errorf("bad letter: %q", got)
	}
	if got := r.ask(chat, "xiaoli", "@班组助手 AB"); !strings.Contains(got, "单选题") {
		t.Errorf("two letters on single choice: %q", got)
	}
	r.clock.Add(5 * time.Second)
	if got := r.ask(chat, "xiaoli", "/a "+wrong1); !strings.Contains(got, "已记录") {
		t.Errorf("/a answer: %q", got)
	}
	r.clock.Add(10 * time.Second)
	if got := r.tap(chat, "aqiang", q1.ID, right1); !strings.Contains(got, "[第 1/") || !strings.Contains(got, "你的答案："+right1+"，已记录") {
		t.Errorf("button answer: %q", got)
	}

	// Question 2, multiple choice: taps build a selection, then 提交.
	mark = r.lastID(chat)
	r.advance(63 * time.Second)
	if got := r.waitBot(chat, mark, "上一题（第 1 题）").body(); !strings.Contains(got, "答对 2/3 人") || !strings.Contains(got, "答案：**"+right1+". 退货退款成功后**") {
		t.Errorf("reveal 1: %q", got)
	}
	q2 := r.waitBot(chat, mark, fmt.Sprintf("第 2/%d 题", n)).Card
	if q2 == nil || !q2.Multiple {
		t.Fatalf("question 2 should be a multiple-choice card: %+v", q2)
	}
	var letters []string
	for _, opt := range []string{"仅退款不退货", "顾客拒签退回", "退款申请被关闭"} {
		letters = append(letters, option(t, q2, opt))
	}
	r.clock.Add(4 * time.Second)
	r.tap(chat, "aqiang", q2.ID, letters[0])
	r.tap(chat, "aqiang", q2.ID, letters[1])
	if got := r.tap(chat, "aqiang", q2.ID, letters[2]); !strings.Contains(got, "你已选：") {
		t.Errorf("tap: %q", got)
	}
	if got := r.tap(chat, "aqiang", q2.ID, "submit"); !strings.Contains(got, "已记录") {
		t.Errorf("submit: %q", got)
	}
	r.clock.Add(4 * time.Second)
	if got := r.ask(chat, "xiaowang", "@班组助手 "+strings.Join(letters, "、")); !strings.Contains(got, "已记录") {
		t.Errorf("multiple by text: %q", got)
	}
	// A late answer: the clock passes question 2's close but not the next
	// step, so the background ticker cannot move on meanwhile. The steps keep
	// their planned times: question 2 opened late (14:09:23, the clock was
	// 20 s past question 1) and still closes at 14:10:03; question 3 is due
	// at 14:10:06. The clock is at 14:09:31.
	r.clock.Add(33 * time.Second)
	if s, _ := r.app.Lessons().Repo.Active(context.Background(), chat); s == nil || !r.clock.Now().After(s.Questions[1].CloseAt) || !s.NextAt().After(r.clock.Now()) {
		t.Fatalf("the late answer at %s is not between question 2's close and the next step: %+v", r.clock.Now().Format("15:04:05"), s)
	}
	if got := r.ask(chat, "xiaoli", "@班组助手 A"); !strings.Contains(got, "第 2 题已经结束了") {
		t.Errorf("late answer: %q", got)
	}

	// Question 3, true/false.
	mark = r.lastID(chat)
	r.advance(3 * time.Second)
	r.waitBot(chat, mark, "上一题（第 2 题）")
	q3 := r.waitBot(chat, mark, fmt.Sprintf("第 3/%d 题", n)).Card
	if q3 == nil || len(q3.Options) != 2 {
		t.Fatalf("question 3 should be true/false: %+v", q3)
	}
	r.clock.Add(2 * time.Second)
	r.ask(chat, "xiaowang", "@班组助手 错")
	r.ask(chat, "xiaoli", "@班组助手 对的")
	r.tap(chat, "aqiang", q3.ID, "B")

	// Question 4, fill-in: full-width digits count.
	mark = r.lastID(chat)
	r.advance(61 * time.Second)
	r.waitBot(chat, mark, fmt.Sprintf("第 4/%d 题", n))
	r.clock.Add(3 * time.Second)
	// Chatter that does not @-mention banzu is no answer, even the right one
	// while a fill-in question is open; the console strips the mention from
	// what is, so banzu reads "７２".
	if code, _ := r.post(chat, "aqiang", "72"); code != http.StatusOK {
		t.Fatal(code)
	}
	r.ask(chat, "xiaowang", "@班组助手 ７２")
	r.ask(chat, "xiaoli", "@班组助手 48")
	s, err := r.app.Lessons().Repo.Active(context.Background(), chat)
	if err != nil || s == nil {
		t.Fatalf("active lesson: %v %v", s, err)
	}
	answers, err := r.app.Lessons().Repo.Answers(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	var q4 []string
	for _, a := range answers {
		if a.Q == 3 {
			q4 = append(q4, a.Member+"="+a.Resp.Text)
		}
	}
	if strings.Join(q4, ",") != "xiaoli=48,xiaowang=７２" {
		t.Errorf("answers to the fill-in question: %v", q4)
	}

	// The review questions nobody answers, then the results by minute 15.
	mark = r.lastID(chat)
	r.advance(60 * time.Second)
	for i := 5; i <= n; i++ {
		r.waitBot(chat, mark, fmt.Sprintf("第 %d/%d 题", i, n))
		r.advance(63 * time.Second)
	}
	res := r.waitBot(chat, mark, "微课堂成绩").body()
	for _, want := range []string{"**答案与解析**", "退款完结后 72 小时内", "🥇 小王", fmt.Sprintf("答对 4/%d", n), "🥈 阿强", "参加 3/8 人", "/错题本"} {
		if !strings.Contains(res, want) {
			t.Errorf("results lack %q:\n%s", want, res)
		}
	}
	for _, not := range []string{"小李", "晓雯", "未参加"} {
		if strings.Contains(res, not) {
			t.Errorf("the group's results name %q:\n%s", not, res)
		}
	}
	sup := r.waitBot("inbox:chen", 0, "参加与答错情况").body()
	for _, want := range []string{"参加 3/8 人", "未参加：", "晓雯", "- 小李：第 1、3、4 题"} {
		if !strings.Contains(sup, want) {
			t.Errorf("the supervisor's private results lack %q:\n%s", want, sup)
		}
	}
	own := r.waitBot("inbox:xiaoli", 0, "你的微课堂成绩").body()
	if !strings.Contains(own, fmt.Sprintf("0 分，第 3/3 名，答对 0/%d 题", n)) || !strings.Contains(own, "你的答案 "+wrong1) || !strings.Contains(own, "退款完结后 72 小时内") {
		t.Errorf("小李's private result:\n%s", own)
	}
	if clock.Now().Sub(lessonStartTime()) > 15*time.Minute {
		t.Errorf("results at %v, after minute 15", clock.Now().Sub(lessonStartTime()))
	}
	r.waitEnded(chat)
	if got := r.ask(chat, "chen", "/lesson"); !strings.Contains(got, "现在没有进行中的微课") {
		t.Errorf("status after the lesson: %q", got)
	}

	// Points are in the ledger for the recognition feature.
	points := map[string]int{}
	r.app.Store.Ledger(context.Background(), lesson.PointsLedger, 0, func(_ int64, e []byte) error {
		var p lesson.PointsEntry
		json.Unmarshal(e, &p)
		if p.Source == "quiz" && !strings.Contains(p.Ref, "demo") {
			points[p.Member] += p.Points
		}
		return nil
	})
	if points["xiaowang"] < 4*900 || points["aqiang"] <= 0 || points["xiaoli"] != 0 || len(points) != 2 {
		t.Errorf("points ledger: %v", points)
	}

	// The wrong-answer book, then a review of it.
	book := r.ask(chat, "xiaoli", "/错题本")
	if !strings.Contains(book, "小李 的错题本") || !strings.Contains(book, "【运费险】退货运费险在什么时候理赔") || !strings.Contains(book, "/复习") {
		t.Errorf("wrong-answer book: %q", book)
	}
	if got := r.ask(chat, "xiaowang", "/wrong"); !strings.Contains(got, "小王 的错题本") || strings.Contains(got, "【运费险】") {
		t.Errorf("xiaowang's book should hold no 运费险 question: %q", got)
	}
	// The review goes on in 小李's private chat: the group sees none of it.
	priv := "inbox:xiaoli"
	mark = r.lastID(priv)
	if got := r.ask(chat, "xiaoli", "/复习"); !strings.Contains(got, "已私聊发给你") {
		t.Errorf("/复习 in the group: %q", got)
	}
	rq := r.waitBot(priv, mark, "小李 · 错题复习")
	if rq.Card == nil && !strings.Contains(rq.body(), "填空") {
		t.Fatalf("review question: %q", rq.body())
	}
	if rq.Card != nil && strings.Contains(rq.Card.Text, "退货运费险在什么时候理赔") {
		if got := r.tap(priv, "xiaoli", rq.Card.ID, option(t, rq.Card, "退货退款成功后")); !strings.Contains(got, "回答正确") {
			t.Errorf("review answer: %q", got)
		}
	}

	// Golden file of every bot post of the lesson.
	var posts []string
	for _, m := range r.messages(chat, begin) {
		if m.From == "bot" {
			posts = append(posts, m.body())
		}
	}
	checkLessonGolden(t, "lesson-posts.golden", strings.Join(posts, "\n----\n")+"\n")
}

func TestLessonSurvivesRestart(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	cfg := demoConfig(t)
	r := startLessonApp(t, cfg, clock)
	const chat = "aftersale"
	r.ask(chat, "lin", "/lesson start 价保")
	mark := r.lastID(chat)
	r.advance(8 * time.Minute)
	q1 := r.waitBot(chat, mark, "第 1/").Card
	r.clock.Add(2 * time.Second)
	r.ask(chat, "xiaozhou", "@班组助手 "+option(t, q1, "顾客实付价与降价后的实际成交价"))
	r.close()

	// The second process starts on the same data while the question is open.
	cfg2 := demoConfig(t)
	cfg2.DataDir = cfg.DataDir
	r2 := startLessonApp(t, cfg2, clock)
	r2.clock.Add(3 * time.Second)
	if got := r2.ask(chat, "xiaozhou", "@班组助手 A"); !strings.Contains(got, "只算第一次") {
		t.Errorf("the answer given before the restart was lost: %q", got)
	}
	r2.ask(chat, "xiaozheng", "@班组助手 "+option(t, q1, "吊牌价与现价"))
	// Down through two questions' windows: the lesson still ends on time.
	mark = r2.lastID(chat)
	r2.advance(6*time.Minute + 15*time.Second)
	res := r2.waitBot(chat, mark, "微课堂成绩").body()
	if !strings.Contains(res, "🥇 小周") || !strings.Contains(res, "参加 2/4 人") {
		t.Errorf("results after restart:\n%s", res)
	}
	if got := r2.waitBot("inbox:xiaozheng", 0, "你的微课堂成绩").body(); !strings.Contains(got, "0 分") {
		t.Errorf("小郑's private result after restart:\n%s", got)
	}
	if end := clock.Now().Sub(lessonStartTime()); end > 15*time.Minute {
		t.Errorf("lesson ended at +%v", end)
	}
}

// An agent reviews the wrong-answer book in their own console inbox: the
// questions come there, and a plain typed answer counts (a single chat is
// always addressed to banzu).
func TestLessonReviewInAgentInbox(t *testing.T) {
	clock := &lessonClock{t: lessonStartTime()}
	r := startLessonApp(t, demoConfig(t), clock)
	ctx := context.Background()
	repo := r.app.Lessons().Repo
	bank, err := repo.Bank(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Only a fill-in question in 小王's book, so it is what the review asks:
	// the demo's misses are answered right until they leave the book.
	later := clock.Now().AddDate(1, 0, 0)
	for i := 0; i < 10; i++ {
		book, err := repo.Wrong(ctx, "xiaowang")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range book {
			if _, _, err := repo.Hit(ctx, "xiaowang", w.QID, later); err != nil {
				t.Fatal(err)
			}
		}
	}
	if book, _ := repo.Wrong(ctx, "xiaowang"); len(book) != 0 {
		t.Fatalf("book not emptied: %+v", book)
	}
	var fill *lesson.Question
	var les *lesson.Lesson
	for _, l := range bank.Lessons {
		for i := range l.Questions {
			if l.Questions[i].Type == lesson.Fill && fill == nil {
				fill, les = &l.Questions[i], l
			}
		}
	}
	if err := repo.Miss(ctx, "xiaowang", fill, les, "", clock.Now().AddDate(0, 0, -3)); err != nil {
		t.Fatal(err)
	}

	const inbox = "inbox:xiaowang"
	mark := r.lastID(inbox)
	r.ask(inbox, "xiaowang", "/复习")
	if got := r.waitBot(inbox, mark, "填空").body(); !strings.Contains(got, fill.Text) {
		t.Errorf("review question in the inbox: %q", got)
	}
	if got := r.ask(inbox, "xiaowang", fill.Answer[0]); !strings.Contains(got, "回答正确") {
		t.Errorf("plain answer in the inbox: %q", got)
	}
	for _, m := range r.messages("presale", 0) {
		if strings.Contains(m.body(), "错题复习") {
			t.Errorf("the review went to the group: %q", m.body())
		}
	}
}
