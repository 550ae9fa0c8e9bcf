// Package reports renders what banzu reports: the chat summaries
// (summary*.go) and the Excel workbook for a team (or several) over a period,
// with the sheets 概览, 客服明细, 每日数据, 排行榜, 微课堂, 知识众筹, 荣誉勋章
// and 三维绩效.
//
// Figures come from the kpi package and aggregate as sums over sums: a team's
// or a month's rate is the summed numerators over the summed bases (see
// kpi.Totals). Values are written as numbers with number formats (rates as
// fractions shown as %, times in seconds, money in ¥), so a reader can sort
// and sum them; a rate or time without data is an empty cell, not a zero.
//
// Data sheets are written with excelize's StreamWriter, row by row, and the
// per-day sheet is written during the single scan of the KPI records that
// also accumulates every total, so memory grows with the number of agents
// and days of the chart, not with the number of agent-days.
//
// Lessons, knowledge and awards belong to other packages. Their sheets take
// small provider interfaces (LessonStats, KnowledgeStats, AwardStats); with
// no provider a sheet shows its header and one row "暂无数据". Points from the
// shared "points" ledger feed the 积分榜 when entries carry a time.
//
// Text that came from users (names, topics, reasons) is neutralised so that a
// leading = + - @ can never make a cell a formula (see Text).
package reports
