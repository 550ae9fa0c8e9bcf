package lesson

import "testing"

func TestStarterBank(t *testing.T) {
	b := Starter()
	if len(b.Lessons) < 15 || b.NumQuestions() < 60 {
		t.Fatalf("starter bank has %d lessons and %d questions, want at least 15 and 60", len(b.Lessons), b.NumQuestions())
	}
	types := map[QType]int{}
	for _, l := range b.Lessons {
		for _, q := range l.Questions {
			types[q.Type]++
		}
	}
	for _, ty := range []QType{Single, Multiple, TrueFalse, Fill} {
		if types[ty] < 10 {
			t.Errorf("only %d %s questions", types[ty], ty)
		}
	}
	for _, topic := range []string{"7天无理由退货", "价保", "运费险", "物流延迟安抚", "差评挽回", "过敏退货", "大促活动规则", "禁忌用语", "催发货", "尺码推荐"} {
		if len(b.Find(topic)) == 0 {
			t.Errorf("no lesson about %s", topic)
		}
	}
}
