package knowledge

import (
	"context"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/store"
)

// demoItem is one piece of the demo knowledge base: a submission by a member
// of a team, approved daysAgo days ago by reviewer, or left pending when
// reviewer is empty.
type demoItem struct {
	team, submitter, reviewer string
	daysAgo                   int
	text                      string
}

var demoItems = []demoItem{
	{"presale", "xiaowang", "chen", 30, "七天无理由退货怎么申请 | 在订单详情页点“申请售后”，选“退货退款”，原因选“七天无理由”。商品需完好、吊牌未拆，签收后七天内可申请。 #售后 #退货"},
	{"presale", "xiaoli", "chen", 60, "问：买完降价了能退差价吗\n相似问：价格保护怎么申请；刚买就降价了\n答：本店支持30天价保：下单后30天内同款降价，在订单页点“申请价保”，差价原路退回。秒杀和满减叠加的价格不在价保范围内。\n标签：#价保"},
	{"presale", "aqiang", "chen", 85, "下单后多久发货 | 现货付款后48小时内发货，预售按页面标注时间发货；大促期间可能延迟到72小时。 #物流"},
	{"presale", "xiaowen", "chen", 100, "运费险怎么理赔 | 退货单填写快递单号并被商家签收后自动理赔，一般72小时内赔付到支付宝，金额按首重计算。 #运费险"},
	{"presale", "ajie", "chen", 20, "怎么开发票 | 在订单详情页点“申请开票”，可开电子普通发票或增值税专用发票，专票需提供公司名称、税号、开户行和账号。 #发票"},
	{"presale", "xiaowang", "chen", 10, "尺码怎么选 | 参考详情页尺码表：170cm/65kg 一般选L码；在两个尺码之间、喜欢宽松的选大一码。 #尺码"},
	{"presale", "daliu", "chen", 5, "大促跨店满减怎么算 | 大促期间跨店每满300减50，可与店铺券叠加；定金预售按尾款计入满减门槛，以活动页规则为准。 #活动"},
	{"presale", "lili", "chen", 3, "优惠券为什么用不了 | 先看券的使用门槛、有效期和适用商品；跨店满减和店铺券可叠加，两张店铺券不能同时用。 #优惠券"},
	{"presale", "xiaomei", "", 1, "下单后可以改地址吗 | 未发货可在订单页修改地址或联系客服备注；已发货的需联系快递改派。 #地址"},
	{"presale", "xiaoli", "", 0, "退货运费谁出 | 质量问题我们承担，七天无理由买家承担 #运费"},
	{"aftersale", "xiaozhou", "lin", 40, "收到的商品破损了怎么处理 | 请客户签收后48小时内拍照（外包装、破损处、面单）提交售后，核实后补发或退款，无需退回。 #破损"},
	{"aftersale", "afang", "lin", 88, "用了化妆品过敏能退吗 | 请客户立即停用，凭过敏部位照片和医院证明可办理过敏退货，已开封也可退，运费由我们承担。 #过敏"},
	{"aftersale", "xiaozheng", "lin", 15, "退款多久到账 | 审核通过后原路退回：支付宝即时到账，银行卡1到7个工作日，信用卡以银行入账为准。 #退款"},
	{"aftersale", "xiaowu", "", 0, "物流一直不更新怎么办 | 先安抚客户并查快递官网轨迹；超过72小时未更新联系快递核实，丢件的补发或退款。 #物流"},
}

var demoAsks = []struct {
	team, member, question string
}{
	{"presale", "xiaowang", "直播间抽奖的奖品什么时候发"},
	{"presale", "xiaoli", "直播间抽奖奖品什么时候发"},
	{"presale", "aqiang", "直播间的抽奖奖品什么时候发？"},
	{"presale", "daliu", "企业采购可以签合同吗"},
	{"aftersale", "xiaozhou", "以旧换新的旧机怎么寄回"},
}

// SeedDemo fills the demo teams' knowledge bases: approved entries of various
// ages (some due for re-verification), a few pending submissions and some
// unanswered questions. name maps a member id to a display name.
func SeedDemo(ctx context.Context, st store.Store, set Settings, now time.Time, name func(id string) string) error {
	for _, it := range demoItems {
		at := now.AddDate(0, 0, -it.daysAgo)
		svc := New(st, set, func() time.Time { return at })
		sub, err := ParseSubmission(it.text)
		if err != nil {
			return fmt.Errorf("demo %q: %w", it.text, err)
		}
		e, _, err := svc.Submit(ctx, it.team, Actor{ID: it.submitter, Name: name(it.submitter)}, sub, Origin{Platform: "console", ChatID: it.team})
		if err != nil {
			return err
		}
		if it.reviewer != "" {
			if _, err := svc.Approve(ctx, it.team, e.ID, Actor{ID: it.reviewer, Name: name(it.reviewer), Supervisor: true}, ""); err != nil {
				return err
			}
		}
	}
	svc := New(st, set, func() time.Time { return now })
	for _, a := range demoAsks {
		if _, err := svc.RecordAsk(ctx, a.team, Actor{ID: a.member, Name: name(a.member)}, a.question); err != nil {
			return err
		}
	}
	return nil
}
