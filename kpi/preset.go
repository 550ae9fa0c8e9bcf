package kpi

import (
	"fmt"
	"strings"
)

// Preset describes one platform's export: its name, a Chinese label and the
// column titles specific to it. Titles common to all platforms (domain.md's
// table) are in commonHeaders and apply to every preset.
type Preset struct {
	Name    string            // chitu, feige, jd, pdd, kuaishou, generic
	Label   string            // 赤兔/千牛, 抖店飞鸽, …
	Headers map[string]Column // normalised title -> column, specific to this platform
}

// commonHeaders are the titles every platform uses (normalised, lower case).
var commonHeaders = map[string]Column{
	"日期": ColDate, "统计日期": ColDate, "时间": ColDate, "日期时间": ColDate, "业务日期": ColDate,

	"客服": ColAgent, "旺旺": ColAgent, "子账号": ColAgent, "客服昵称": ColAgent, "客服账号": ColAgent,
	"客服名称": ColAgent, "客服姓名": ColAgent, "客服旺旺": ColAgent, "客服子账号": ColAgent, "账号": ColAgent,

	"店铺": ColShop, "店铺名": ColShop, "店铺名称": ColShop,

	"咨询人数": ColConsultations, "咨询量": ColConsultations,
	"接待人数": ColServed, "人工已接待人数": ColServed, "已接待人数": ColServed, "接待量": ColServed,
	"人工接待人数": ColServed,
	"会话量":    ColSessions, "人工会话量": ColSessions, "人工已接待会话量": ColSessions, "接待会话数": ColSessions,
	"询单人数":       ColInquiries,
	"询单->最终付款人数": ColPaid, "支付人数": ColPaid, "最终成团人数": ColPaid, "付款人数": ColPaid,
	"下单人数":        ColOrders,
	"询单->最终付款成功率": ColConversionRate, "询单转化率": ColConversionRate,
	"销售额": ColSales, "客服销售额": ColSales, "客服询单支付额": ColSales,
	"客单价": ColAOV, "询单客单价": ColAOV,
	"首次响应时间": ColFirstResp, "首次响应时长": ColFirstResp, "全天首响时长": ColFirstResp,
	"首次平均响应时长": ColFirstResp, "平均首次响应时长": ColFirstResp, "首响时长": ColFirstResp,
	"平均响应时间": ColAvgResp, "平均响应": ColAvgResp, "平均响应时长": ColAvgResp, "平均人工响应时长": ColAvgResp,
	"全天平响时长": ColAvgResp,
	"客服回复率":  ColReplyRate, "回复率": ColReplyRate,
	"3分钟人工回复率": ColReply3mRate, "全天3分钟回复率": ColReply3mRate, "三分钟回复率": ColReply3mRate,
	"3分钟回复率": ColReply3mRate,
	"满意率":    ColSatisfactionRate, "全天满意率": ColSatisfactionRate, "客户满意比": ColSatisfactionRate,
	"不满意率": ColBadRate, "全天不满意率": ColBadRate, "差评率": ColBadRate,
	"有效差评数": ColBadCount, "差评数": ColBadCount,
	"评价数": ColRatings, "评价人数": ColRatings, "参评人数": ColRatings, "评价总数": ColRatings,
	"很满意": ColVerySatisfied, "满意": ColSatisfied, "一般": ColNeutral, "不满意": ColDissatisfied,
	"很不满意": ColVeryDissatisfied, "评价发送率": ColInviteRate,
	"首次解决率": ColFCRRate, "一次解决率": ColFCRRate, "解决率": ColFCRRate, "首次解决人数": ColResolved,
	"退款率": ColRefundRate, "退款人数": ColRefunds, "退款笔数": ColRefunds,
	"静默下单本人落实付款-人数": ColRecovered, "挽单人数": ColRecovered,
	"30秒应答率": ColIgnore, "慢响应人数": ColIgnore, "付款流失人数": ColIgnore, "账号名称": ColIgnore,
	"序号": ColIgnore,
}

// Presets are the built-in platform presets, in detection order.
var Presets = []*Preset{
	{Name: "chitu", Label: "赤兔/千牛", Headers: map[string]Column{
		"旺旺": ColAgent, "客服": ColAgent, "询单->最终付款人数": ColPaid, "询单->最终付款成功率": ColConversionRate,
		"客户满意比": ColSatisfactionRate, "评价发送率": ColInviteRate, "很满意": ColVerySatisfied,
		"很不满意": ColVeryDissatisfied, "慢响应人数": ColIgnore, "客单价": ColAOV, "销售额": ColSales,
		"平均响应时间": ColAvgResp, "首次响应时间": ColFirstResp, "静默下单本人落实付款-人数": ColRecovered,
		"付款流失人数": ColIgnore,
	}},
	{Name: "feige", Label: "抖店飞鸽", Headers: map[string]Column{
		"客服昵称": ColAgent, "账号名称": ColIgnore, "人工已接待人数": ColServed, "人工已接待会话量": ColSessions,
		"不满意率": ColBadRate, "3分钟人工回复率": ColReply3mRate, "首次响应时长": ColFirstResp,
		"平均响应时长": ColAvgResp, "客服销售额": ColSales, "下单人数": ColOrders, "店铺名称": ColShop,
	}},
	{Name: "jd", Label: "京东", Headers: map[string]Column{
		"客服账号": ColAgent, "咨询量": ColConsultations, "接待量": ColServed, "首次平均响应时长": ColFirstResp,
		"解决率": ColFCRRate, "30秒应答率": ColIgnore,
	}},
	{Name: "pdd", Label: "拼多多", Headers: map[string]Column{
		"客服账号": ColAgent, "最终成团人数": ColPaid, "人工接待人数": ColServed, "平均人工响应时长": ColAvgResp,
		"店铺名": ColShop,
	}},
	{Name: "kuaishou", Label: "快手", Headers: map[string]Column{
		"客服昵称": ColAgent, "人工会话量": ColSessions, "人工平均回复时长": ColAvgResp,
		"好评率": ColSatisfactionRate, "差评率": ColBadRate, "询单客单价": ColAOV, "三分钟回复率": ColReply3mRate,
	}},
	{Name: "generic", Label: "通用", Headers: map[string]Column{}},
}

// PresetByName returns the named preset, or a Chinese error listing them.
func PresetByName(name string) (*Preset, error) {
	names := make([]string, 0, len(Presets))
	for _, p := range Presets {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("未知的导入格式“%s”，可选：%s", name, strings.Join(names, "、"))
}

// lookup maps a normalised title: extra mappings first, then the preset's own
// titles, then the common ones. It reports whether the match was specific to
// the preset (used to choose between presets).
func (p *Preset) lookup(extra map[string]Column, name string) (c Column, own, ok bool) {
	if c, ok := lookupHeader(extra, name); ok {
		return c, true, true
	}
	if c, ok := lookupHeader(p.Headers, name); ok {
		return c, true, true
	}
	c, ok = lookupHeader(commonHeaders, name)
	return c, false, ok
}

// headerScore rates how well a row of titles fits preset p: the number of
// recognised titles and, of those, the number specific to p.
func (p *Preset) headerScore(extra map[string]Column, row []string) (known, own int, hasAgent bool) {
	for _, cell := range row {
		h := normHeader(cell)
		if h.name == "" {
			continue
		}
		c, isOwn, ok := p.lookup(extra, h.name)
		if !ok {
			continue
		}
		known++
		if isOwn {
			own++
		}
		if c == ColAgent {
			hasAgent = true
		}
	}
	return known, own, hasAgent
}

// detectPreset picks the preset that fits a header row best: the most
// recognised titles, then the most titles specific to it; the generic preset
// when none has any specific title. It returns nil when the row is not a
// header (no agent column or fewer than two metric titles).
func detectPreset(cands []*Preset, extra map[string]Column, row []string) *Preset {
	var best *Preset
	bestKnown, bestOwn := 0, -1
	for _, p := range cands {
		known, own, hasAgent := p.headerScore(extra, row)
		if !hasAgent || known < 3 {
			continue
		}
		if known > bestKnown || known == bestKnown && own > bestOwn {
			best, bestKnown, bestOwn = p, known, own
		}
	}
	if best != nil && bestOwn == 0 && len(cands) > 1 {
		for _, p := range cands {
			if p.Name == "generic" {
				return p
			}
		}
	}
	return best
}
