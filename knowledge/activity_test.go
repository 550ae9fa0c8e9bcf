package knowledge

import (
	"context"
	"testing"
	"time"
)

func TestActivity(t *testing.T) {
	s, _, c := newTestService(t)
	ctx := context.Background()
	from := c.Now()

	old, _ := mustSubmit(t, s, "presale", wang, "运费险怎么理赔 | 签收后自动理赔")
	c.Add(24 * time.Hour)
	from = from.Add(12 * time.Hour) // the first submission is before the period
	if _, err := s.Approve(ctx, "presale", old.ID, chen, ""); err != nil {
		t.Fatal(err)
	}
	e2, _ := mustSubmit(t, s, "presale", li, "发票怎么开 | 订单页申请开票")
	mustSubmit(t, s, "presale", li, "能改地址吗 | 未发货可以改")
	if _, err := s.Reject(ctx, "presale", e2.ID, chen, "重复"); err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, s, "aftersale", wang, "破损怎么办 | 拍照补发")
	c.Add(24 * time.Hour)
	mustSubmit(t, s, "presale", wang, "尺码怎么选 | 看尺码表") // after the period

	got, err := s.Activity(ctx, "presale", from, from.Add(30*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []Activity{
		{Member: "xiaowang", Name: "小王", Approved: 1},
		{Member: "xiaoli", Name: "小李", Submitted: 2, Rejected: 1},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("activity: %+v, want %+v", got, want)
	}
}
