package wording

// StarterTaboo are the practice's 禁忌用语: negative or deflecting phrases a
// reply never uses. A team's supervisor edits its own list with /words.
var StarterTaboo = []string{"不清楚", "不知道", "不归我管", "不关我的事", "你自己看", "自己去查", "没办法", "不可能", "我不管",
	"找别人", "听不懂吗", "爱买不买", "这是规定", "不能退", "系统问题", "你怎么不早说", "我也没办法", "随便你"}

// StarterAbsolute are absolute terms advertising law forbids in sales
// replies (广告法极限词).
var StarterAbsolute = []string{"最好", "第一", "国家级", "最低价", "最便宜", "最高级", "最佳", "顶级", "极品", "全网最", "史上最",
	"唯一", "首个", "万能", "绝对", "100%", "百分百", "永久", "根治", "零风险"}

// Starter is the starter lists.
func Starter() Lists {
	return Lists{Taboo: append([]string(nil), StarterTaboo...), Absolute: append([]string(nil), StarterAbsolute...)}
}
