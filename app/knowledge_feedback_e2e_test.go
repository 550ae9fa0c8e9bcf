package app_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/jobs"
)

func TestKnowledgeFeedbackAndPruningThroughConsole(t *testing.T) {
	var mu sync.Mutex
	now := kpiClock()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := startWith(t, demoConfig(t), app.Options{Now: clock})

	got := r.ask("presale", "xiaoli", "/submit 满减活动能叠加店铺券吗 | 可以叠加，先用店铺券再算满减 #活动")
	id := regexp.MustCompile(`#(\d+)`).FindStringSubmatch(got)
	if id == nil {
		t.Fatalf("/submit: %q", got)
	}
	n := id[1]
	if got := r.ask("presale", "chen", "/approve "+n); !strings.Contains(got, "已通过") {
		t.Fatalf("/approve: %q", got)
	}
	// An answer shown invites feedback.
	if got := r.ask("presale", "xiaowang", "/kb "+n); !strings.Contains(got, "/useful "+n) || !strings.Contains(got, "/notuseful "+n) {
		t.Errorf("/kb N invites feedback: %q", got)
	}
	if got := r.ask("presale", "xiaowang", "/ask 满减活动能叠加店铺券吗"); !strings.Contains(got, "/useful "+n) {
		t.Errorf("/ask's answer invites feedback: %q", got)
	}
	if got := r.ask("presale", "xiaowang", "/useful "+n); !strings.Contains(got, "👍 1 · 👎 0") {
		t.Errorf("/useful: %q", got)
	}
	if got := r.ask("presale", "xiaowang", "/notuseful "+n); !strings.Contains(got, "用法：/notuseful") {
		t.Errorf("/notuseful needs a reason: %q", got)
	}
	// 小王 changes his mind; two more say it is wrong.
	if got := r.ask("presale", "xiaowang", "/没用 "+n+" 店铺券和满减现在不能叠加了"); !strings.Contains(got, "👍 0 · 👎 1") {
		t.Errorf("/没用 replaces the vote: %q", got)
	}
	if r.countBot("inbox:xiaoli", "小王 觉得你负责的 #"+n) != 1 {
		t.Errorf("the entry's owner is told")
	}
	r.ask("presale", "daliu", "/notuseful "+n+" 规则变了")
	r.ask("presale", "lili", "/notuseful #"+n+" 不对")
	if got := r.ask("presale", "xiaowang", "/useful 9999"); !strings.Contains(got, "9999") {
		t.Errorf("unknown entry: %q", got)
	}

	// The weekly review proposes it for retirement, with the last reason.
	j, err := r.app.Jobs.Get("knowledge-prune")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Fn(context.Background(), jobs.Run{TeamID: "presale", Slot: clock()}); err != nil {
		t.Fatal(err)
	}
	post := r.lastBot("presale")
	for _, want := range []string{"知识库每周复盘", "**#" + n + "** 满减活动能叠加店铺券吗 — 👎 3 / 3 票（100%）", "莉莉：不对", "@陈主管", "/retire 编号 原因"} {
		if !strings.Contains(post, want) {
			t.Errorf("weekly review lacks %q:\n%s", want, post)
		}
	}
	if !strings.Contains(post, "1. **#"+n+"**") {
		t.Errorf("the poorly rated entry comes first:\n%s", post)
	}
}
