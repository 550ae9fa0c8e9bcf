package app_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestGrievanceAwardedOnce checks that the line a 委屈奖 nomination hands the
// supervisor, sent twice, awards (and pays) once; another reason, or the same
// one after the first was revoked, is a new award.
func TestGrievanceAwardedOnce(t *testing.T) {
	r := start(t, demoConfig(t))
	count := func() int {
		return strings.Count(r.ask("presale", "chen", "/badges @小李"), "委屈奖（")
	}
	before := count() // the demo's earlier awards
	const line = "/award 委屈奖 @小李 订单 123456 顾客辱骂仍然耐心解释"
	first := r.ask("presale", "chen", line)
	m := regexp.MustCompile(`编号 #(\d+)`).FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first award: %s", first)
	}
	second := r.ask("presale", "chen", line)
	if !strings.Contains(second, "已因同样的原因获得委屈奖（#"+m[1]) || strings.Contains(second, "积分 +") {
		t.Errorf("the same line again: %s", second)
	}
	if n := count() - before; n != 1 {
		t.Errorf("小李 holds %d 委屈奖 after the line was sent twice, want 1", n)
	}
	if got := r.ask("presale", "chen", "/award 委屈奖 @小李 订单 777 又一次被骂仍然专业"); !strings.Contains(got, "积分 +") {
		t.Errorf("another reason: %s", got)
	}
	r.ask("presale", "chen", "/revoke "+m[1]+" 订单号写错")
	if got := r.ask("presale", "chen", line); !strings.Contains(got, "积分 +") {
		t.Errorf("the same reason after the first was revoked: %s", got)
	}
	if n := count() - before; n != 2 {
		t.Errorf("小李 holds %d active 委屈奖, want 2", n)
	}
}
