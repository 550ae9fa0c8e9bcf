package app_test

import (
	"context"
	"testing"

	"github.com/banzu-bot/banzu/lesson"
)

// /toquiz drafts are listed in /review and settled there: /approve 题N puts
// the question in the team's lesson of the bank (once), /reject 题N 原因
// discards it.
func TestQuizDraftsReviewedIntoTheBank(t *testing.T) {
	r := start(t, demoConfig(t))
	kbMust(t, r.ask("presale", "xiaoli", "/toquiz 4"), "测验题草稿 **题4**", "/review")
	kbMust(t, r.ask("presale", "xiaoli", "/toquiz 3"), "测验题草稿 **题3**")
	got := r.ask("presale", "chen", "/review")
	kbMust(t, got, "待审核测验题（2 道", "**题3**", "**题4**（来自 #4", "运费险怎么理赔", " ✓", "/approve 题编号")

	kbMust(t, r.ask("presale", "xiaoli", "/approve 题4"), "仅限主管")
	kbMust(t, r.ask("presale", "chen", "/approve 题4"), "已把 **题4** 加入题库", "售前组知识库自测", "第 1 题")
	kbMust(t, r.ask("presale", "chen", "/通过 题4"), "题4 已经在题库里了", "第 1 题")
	kbMust(t, r.ask("presale", "chen", "/reject 题3"), "用法：/reject", "/reject 题编号 原因")
	kbMust(t, r.ask("presale", "chen", "/reject 题3 干扰项太容易"), "已放弃 **题3**")
	kbMust(t, r.ask("presale", "chen", "/approve 题3"), "题3 已经放弃")
	kbMust(t, r.ask("presale", "chen", "/approve 题9"), "#9 还没有测验题草稿")
	got = r.ask("presale", "chen", "/review")
	kbMustNot(t, got, "待审核测验题")
	kbMust(t, r.ask("presale", "xiaoli", "/toquiz 4"), "已进题库")

	bank, err := lesson.NewRepo(r.app.Store).Bank(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	l := bank.Lesson("kb-presale")
	if l == nil || len(l.Questions) != 1 || l.Questions[0].ID != "kb-presale-4" || l.Questions[0].Type != lesson.Single {
		t.Fatalf("bank lesson: %+v", l)
	}
	q := l.Questions[0]
	if got := q.Correct(); len(got) != 1 || q.Options[got[0]] == "" || len(q.Options) < 2 {
		t.Errorf("bank question: %+v", q)
	}
}
