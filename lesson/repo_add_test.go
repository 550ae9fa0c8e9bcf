package lesson_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/store/embedded"
)

// Questions approved at the same moment all land in the team's lesson, and
// one approved twice lands once.
func TestAddQuestionConcurrentlyAndOnce(t *testing.T) {
	st, err := embedded.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	repo := lesson.NewRepo(st)
	ctx := context.Background()
	base := &lesson.Lesson{ID: "kb-presale", Topic: "售前组知识库自测", Category: "知识库", Knowledge: "知识点", Case: "案例"}
	question := func(i int) lesson.Question {
		return lesson.Question{ID: fmt.Sprintf("kb-presale-%d", i), Type: lesson.Single, Text: fmt.Sprintf("第 %d 题？", i),
			Options: []string{"对的", "错的", "不知道"}, Answer: []string{"A"}, Explanation: "解析"}
	}
	var wg sync.WaitGroup
	for i := 1; i <= 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := repo.AddQuestion(ctx, base, question(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	l, n, err := repo.AddQuestion(ctx, base, question(7)) // approved again
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Questions) != 20 {
		t.Fatalf("lesson holds %d questions, want 20", len(l.Questions))
	}
	if l.Questions[n-1].ID != "kb-presale-7" {
		t.Errorf("question 7 reported as number %d, which is %s", n, l.Questions[n-1].ID)
	}
	bank, err := repo.Bank(ctx)
	if err != nil || bank.Lesson("kb-presale") == nil || len(bank.Lesson("kb-presale").Questions) != 20 {
		t.Errorf("the bank does not show the lesson with its 20 questions (%v)", err)
	}
}
