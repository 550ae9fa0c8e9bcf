package kpi

import (
	"fmt"
	"sort"
	"strings"
)

// Column is what an export column means to the importer.
type Column uint8

// The column kinds. Columns known but not used (30秒应答率, 慢响应人数, …) are
// ColIgnore so that they count as recognised headers.
const (
	ColUnknown Column = iota
	ColIgnore
	ColDate
	ColAgent
	ColShop
	ColConsultations
	ColServed
	ColSessions
	ColInquiries
	ColPaid
	ColOrders
	ColRatings
	ColVerySatisfied
	ColSatisfied
	ColNeutral
	ColDissatisfied
	ColVeryDissatisfied
	ColBadCount
	ColInviteRate
	ColSatisfactionRate
	ColBadRate
	ColConversionRate
	ColSales
	ColAOV
	ColFirstResp
	ColAvgResp
	ColReplyRate
	ColReply3mRate
	ColFCRRate
	ColResolved
	ColRefundRate
	ColRefunds
	ColRecovered
	numColumns
)

// columnNames are the names extra mappings use (config: header -> name).
var columnNames = [numColumns]string{
	ColUnknown:          "",
	ColIgnore:           "ignore",
	ColDate:             "date",
	ColAgent:            "agent",
	ColShop:             "shop",
	ColConsultations:    "consultations",
	ColServed:           "served",
	ColSessions:         "sessions",
	ColInquiries:        "inquiries",
	ColPaid:             "paid",
	ColOrders:           "orders",
	ColRatings:          "ratings",
	ColVerySatisfied:    "very_satisfied",
	ColSatisfied:        "satisfied",
	ColNeutral:          "neutral",
	ColDissatisfied:     "dissatisfied",
	ColVeryDissatisfied: "very_dissatisfied",
	ColBadCount:         "bad_reviews",
	ColInviteRate:       "invite_rate",
	ColSatisfactionRate: "satisfaction",
	ColBadRate:          "bad_rate",
	ColConversionRate:   "conversion",
	ColSales:            "sales",
	ColAOV:              "aov",
	ColFirstResp:        "first_response",
	ColAvgResp:          "avg_response",
	ColReplyRate:        "reply_rate",
	ColReply3mRate:      "reply3m",
	ColFCRRate:          "fcr",
	ColResolved:         "resolved",
	ColRefundRate:       "refund_rate",
	ColRefunds:          "refunds",
	ColRecovered:        "recovered",
}

// String returns the column kind's mapping name, e.g. "served".
func (c Column) String() string {
	if c >= numColumns {
		return "unknown"
	}
	return columnNames[c]
}

// ParseColumn returns the column kind for a mapping name ("served",
// "satisfaction", …), with a Chinese error listing the valid names.
func ParseColumn(name string) (Column, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	for c := ColIgnore; c < numColumns; c++ {
		if columnNames[c] == name {
			return c, nil
		}
	}
	return ColUnknown, fmt.Errorf("未知的指标名称“%s”，可用的有：%s", name, strings.Join(ColumnNames(), ", "))
}

// ColumnNames lists the names ParseColumn accepts, sorted.
func ColumnNames() []string {
	out := make([]string, 0, numColumns)
	for c := ColIgnore; c < numColumns; c++ {
		out = append(out, columnNames[c])
	}
	sort.Strings(out)
	return out
}

// valueKind is how a column's cells are parsed.
type valueKind uint8

const (
	kindText valueKind = iota
	kindDate
	kindCount
	kindRate
	kindMoney
	kindDuration
)

// kindOf returns how cells of column c are parsed.
func kindOf(c Column) valueKind {
	switch c {
	case ColUnknown, ColIgnore, ColAgent, ColShop:
		return kindText
	case ColDate:
		return kindDate
	case ColInviteRate, ColSatisfactionRate, ColBadRate, ColConversionRate, ColReplyRate, ColReply3mRate, ColFCRRate, ColRefundRate:
		return kindRate
	case ColSales, ColAOV:
		return kindMoney
	case ColFirstResp, ColAvgResp:
		return kindDuration
	}
	return kindCount
}

// kindHint is the example shown when a cell of this kind cannot be parsed.
func (k valueKind) hint() string {
	switch k {
	case kindDate:
		return "日期，如 2026-10-01"
	case kindCount:
		return "数字，如 128"
	case kindRate:
		return "百分比，如 95.2% 或 0.952"
	case kindMoney:
		return "金额，如 1,234.50"
	case kindDuration:
		return "时长，如 11、11秒、2分30秒 或 00:02:30"
	}
	return "文本"
}
