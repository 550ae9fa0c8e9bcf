package kpi

// Metric identifies one stored figure of a Record.
type Metric uint8

// The stored metrics. Ratio metrics keep a numerator (Num) and a base (Base);
// count metrics keep only Num. Sales is kept in Record.SalesFen.
const (
	Consultations Metric = iota // 咨询人数: customers who wrote
	Served                      // 接待人数: customers an agent served
	Sessions                    // 会话量: sessions handled
	Inquiries                   // 询单人数
	Paid                        // 询单->最终付款人数: inquirers who paid
	Orders                      // 下单人数
	Ratings                     // 评价数: ratings received (exact counts only)
	Satisfied                   // 很满意+满意, over its base (ratings or a proxy)
	Dissatisfied                // 不满意+很不满意, over its base
	Sales                       // 销售额, in Record.SalesFen
	FirstResp                   // first response: seconds × weight over weight
	AvgResp                     // average response: seconds × weight over weight
	Replied                     // customers replied to, over customers who wrote
	Replied3m                   // replies within 3 minutes, over messages/sessions
	Resolved                    // resolved at first contact, over consultations
	Refunds                     // refunds, over orders
	Recovered                   // 挽单: orders won back
	NumMetrics                  // number of metrics; not a metric
)

var metricInfo = [NumMetrics]struct {
	name  string
	label string
	ratio bool
}{
	Consultations: {"consultations", "咨询人数", false},
	Served:        {"served", "接待人数", false},
	Sessions:      {"sessions", "会话量", false},
	Inquiries:     {"inquiries", "询单人数", false},
	Paid:          {"paid", "付款人数", false},
	Orders:        {"orders", "下单人数", false},
	Ratings:       {"ratings", "评价数", false},
	Satisfied:     {"satisfied", "满意评价", true},
	Dissatisfied:  {"dissatisfied", "不满意评价", true},
	Sales:         {"sales", "销售额", false},
	FirstResp:     {"first_response", "首次响应时间", true},
	AvgResp:       {"avg_response", "平均响应时间", true},
	Replied:       {"replied", "回复人数", true},
	Replied3m:     {"replied_3m", "3分钟回复", true},
	Resolved:      {"resolved", "首次解决", true},
	Refunds:       {"refunds", "退款", true},
	Recovered:     {"recovered", "挽单", false},
}

// String returns the metric's English identifier, e.g. "served".
func (m Metric) String() string {
	if m >= NumMetrics {
		return "unknown"
	}
	return metricInfo[m].name
}

// Label returns the metric's Chinese name, e.g. "接待人数".
func (m Metric) Label() string {
	if m >= NumMetrics {
		return "未知指标"
	}
	return metricInfo[m].label
}

// IsRatio reports whether the metric keeps a base beside its numerator.
func (m Metric) IsRatio() bool { return m < NumMetrics && metricInfo[m].ratio }

// Quality says how a metric's figures were obtained. Zero means missing. When
// sources disagree, the higher quality wins.
type Quality uint8

// Quality levels.
const (
	QMissing Quality = iota // no figure
	QProxy                  // a rate times a stand-in base (e.g. 满意率 × 接待人数)
	QDerived                // a rate times its own base, or a time weighted by sessions
	QExact                  // counted: the file has the numerator and the base
)

// Mask is a set of metrics, one bit per Metric.
type Mask uint32

// Has reports whether m is in the set.
func (k Mask) Has(m Metric) bool { return k&(1<<m) != 0 }
