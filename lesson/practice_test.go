package lesson

import (
	"reflect"
	"testing"
	"time"
)

func TestDerivePractice(t *testing.T) {
	les := &Lesson{
		Knowledge: "1. 时限：自顾客**签收商品的次日**起算 7 天。\n2. 条件：**商品完好**，配件齐全。\n3. 再说一次**签收商品的次日**。",
		Case:      "顾客签收第 6 天发来消息：\"衣服不太喜欢，吊牌我剪了，能退吗？\"随后又问：“运费谁出？”",
	}
	p := DerivePractice(les)
	if p.Message != "衣服不太喜欢，吊牌我剪了，能退吗？ 运费谁出？" {
		t.Errorf("message %q", p.Message)
	}
	if !reflect.DeepEqual(p.Points, []string{"签收商品的次日", "商品完好"}) {
		t.Errorf("points %v", p.Points)
	}
	if p := DerivePractice(&Lesson{Case: "顾客说衣服小了"}); p.Message != "顾客说衣服小了" || p.Points != nil {
		t.Errorf("nothing quoted: %+v", p)
	}
}

func TestMakePracticeReplacesTheQuiz(t *testing.T) {
	bank := Starter()
	les := bank.Lessons[0]
	start := time.Date(2026, 10, 14, 14, 0, 0, 0, time.UTC)
	s, err := NewSession("t-1", KindLesson, start, PickQuestions(les, 4), nil, bank, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.MakePractice(DerivePractice(les), Options{})
	var kinds []StepKind
	for _, st := range s.Steps {
		kinds = append(kinds, st.Kind)
	}
	if want := []StepKind{StepKnowledge, StepCase, StepPractice, StepResults}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("steps %v, want %v", kinds, want)
	}
	if len(s.Questions) != 0 || !s.Steps[2].At.Equal(start.Add(8*time.Minute)) || !s.EndAt().Equal(start.Add(15*time.Minute)) {
		t.Errorf("timeline: %+v", s.Steps)
	}
	if !s.Practice.Open(start.Add(8*time.Minute)) || s.Practice.Open(start.Add(15*time.Minute)) || s.Practice.Open(start.Add(7*time.Minute)) {
		t.Errorf("open window: %+v", s.Practice)
	}
	var none *Practice
	if none.Open(start) {
		t.Error("no practice is never open")
	}
}

func TestPointsHit(t *testing.T) {
	points := []string{"签收商品的次日", "商品完好", "运费由顾客承担"}
	got := PointsHit("亲，从签收次日算起7天内，商品完好就可以退，运费由您承担哦", points)
	if !reflect.DeepEqual(got, []string{"签收商品的次日", "商品完好", "运费由顾客承担"}) {
		t.Errorf("hit %v", got)
	}
	if got := PointsHit("好的亲", points); len(got) != 0 {
		t.Errorf("nothing covered: %v", got)
	}
}

// TestSkipMovesPractice checks that /lesson skip moves 实操演练 with its
// steps: skipped to, it takes replies at once; skipped during, it closes.
func TestSkipMovesPractice(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 7, 30, 0, 0, time.UTC)
	o := Options{}.Norm()
	s := &Session{Start: t0, Steps: []Step{{Kind: StepKnowledge, At: t0}, {Kind: StepCase, At: t0.Add(o.KnowledgeFor)}}}
	s.MakePractice(Practice{Message: "我刚买就降价，退我 40！"}, o)
	s.Step = 2 // knowledge and case posted
	now := t0.Add(o.KnowledgeFor + time.Minute)
	s.Skip(now)
	if s.Steps[2].Kind != StepPractice || !s.Steps[2].At.Equal(now) {
		t.Fatalf("practice step at %v, want %v", s.Steps[2].At, now)
	}
	if !s.Practice.Open(now) {
		t.Errorf("practice skipped to is not open: %v to %v, now %v", s.Practice.OpenAt, s.Practice.CloseAt, now)
	}
	if want := now.Add(o.QuizFor); !s.Practice.CloseAt.Equal(want) || !s.Steps[3].At.Equal(want) {
		t.Errorf("practice closes %v, results %v, want both %v", s.Practice.CloseAt, s.Steps[3].At, want)
	}

	s.Step = 3 // the practice step ran
	later := now.Add(2 * time.Minute)
	s.Skip(later)
	if s.Practice.Open(later) || !s.Practice.CloseAt.Equal(later) || !s.Steps[3].At.Equal(later) {
		t.Errorf("skipped during practice: closes %v, results %v, want both %v", s.Practice.CloseAt, s.Steps[3].At, later)
	}
	if !s.Practice.OpenAt.Equal(now) {
		t.Errorf("practice opened at %v moved to %v", now, s.Practice.OpenAt)
	}
}
