// Package kpi holds banzu's customer-service metrics: the per-day record model,
// aggregation, the importer for shop-platform exports, the repository over
// store.Store, targets and alerts. It knows nothing of chat platforms.
//
// # Model
//
// A Record holds one agent's figures for one day from one source (one kind of
// export file). Every metric is kept as a numerator with its own base (or as a
// plain count), so any period or group aggregates as sums over sums: a month's
// satisfaction is all satisfied ratings over all ratings, never the mean of
// daily percentages. Each metric carries a Quality; zero means "missing", which
// differs from a measured zero.
//
// When an export only has a rate, the numerator is rebuilt as rate × base with
// the best base the row offers (the rating count, else invitations sent, else
// customers served, else sessions, else consultations), and the metric is marked
// with a lower Quality.
//
// Response times are stored as seconds × weight and the weight. The weight is
// customers served (接待人数) when the row has it, else sessions, else
// consultations, else 1. Weighting by customers served is what reproduces the
// true monthly averages of the sample month (weighting 飞鸽's rows by sessions
// is off by up to 0.05 s).
//
// # Sources, replacing and merging
//
// Records are stored per (team, date, agent, source). The source is the preset
// name plus a fingerprint of the metrics the file carries ("chitu.5d0b7a"), so
// re-importing the same kind of export replaces those agent-days, while two
// different exports for the same day (a 赤兔 sales report and a 赤兔 ratings
// report) live side by side and are merged on read.
//
// Files from different sources for the same agent and day are treated as views
// of the same work, never added up: for each metric the merge picks one source,
// by Quality (exact counts beat rates rebuilt on a proxy base), then the newest
// import, then the source name. Importing every sample file of the simulated
// month into one team therefore yields the same month as the exact files alone.
// Within one file, several rows that resolve to the same agent and day (two shop
// sub-accounts of one person) are added up.
//
// # Streaming import
//
// The importer reads rows one at a time (encoding/csv with a reused record, or
// excelize's Rows iterator) and never writes to the sink before the whole file
// parsed cleanly. Parsed records go into a bounded in-memory run; full runs are
// sorted and spilled to a temporary spool file; after the last row the runs are
// merged in key order (adding up duplicate agent-days) and written to the sink
// in batches. Memory is bounded by the run size, not by the file. A failed
// import leaves the store untouched; a store failure or a killed process
// half-way through the final write leaves some agent-days replaced and others
// not. That is never silent: before its first write an import stores a marker
// per month it touches (ImportsCollection) and removes it after its last, so
// Repo.Incomplete reports the month as partial ("9月数据导入未完成，请重新导入")
// until an import covering the same dates succeeds (see inprogress.go).
//
// Bad files fail early with an *ImportError in Chinese: empty files, other
// formats recognised by their first bytes (PDF, images, archives, old .xls,
// HTML tables, Word documents inside a ZIP), binary junk, files without a
// recognisable header in their first rows, files over the size limit (checked
// before reading), and CSV records over 256 KB (an unclosed quote would
// otherwise pull the rest of the file into one field). Importer.Progress
// reports bytes and rows read, then records written, for progress bars.
//
// Batches are DefaultBatchSize records: each is one transaction (two fsyncs)
// of the embedded store, so a 100,000-row export costs about 13 commits. See
// import_bench_test.go and scripts/bench-import.sh for the figures.
package kpi
