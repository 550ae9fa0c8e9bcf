package kpi

// Totals is the sum of records over a period and/or a group of agents. Every
// rate it reports is a sum of numerators over a sum of bases.
type Totals struct {
	Records int // records added (agent-days once merged)

	Num  [NumMetrics]float64
	Base [NumMetrics]float64
	N    [NumMetrics]int // records that carried each metric

	SalesFen int64

	// Cross-metric ratios only count records that carry both sides.
	convPaid, convInq float64 // conversion
	aovFen, aovPaid   float64 // average order value
	convN, aovN       int
}

// Aggregate sums records. Records must already be merged per agent and day
// (see Merge) when several sources exist.
func Aggregate(recs []Record) Totals {
	var t Totals
	for i := range recs {
		t.Add(&recs[i])
	}
	return t
}

// Add adds one record.
func (t *Totals) Add(r *Record) {
	t.Records++
	for m := Metric(0); m < NumMetrics; m++ {
		if r.Quality[m] == QMissing {
			continue
		}
		t.N[m]++
		t.Num[m] += r.Num[m]
		t.Base[m] += r.Base[m]
	}
	if r.Has(Sales) {
		t.SalesFen += r.SalesFen
	}
	if r.Has(Paid) && r.Has(Inquiries) {
		t.convPaid += r.Num[Paid]
		t.convInq += r.Num[Inquiries]
		t.convN++
	}
	if r.Has(Paid) && r.Has(Sales) {
		t.aovFen += float64(r.SalesFen)
		t.aovPaid += r.Num[Paid]
		t.aovN++
	}
}

// AddTotals adds another aggregate, e.g. to build a team from its agents.
func (t *Totals) AddTotals(o *Totals) {
	t.Records += o.Records
	for m := Metric(0); m < NumMetrics; m++ {
		t.N[m] += o.N[m]
		t.Num[m] += o.Num[m]
		t.Base[m] += o.Base[m]
	}
	t.SalesFen += o.SalesFen
	t.convPaid += o.convPaid
	t.convInq += o.convInq
	t.convN += o.convN
	t.aovFen += o.aovFen
	t.aovPaid += o.aovPaid
	t.aovN += o.aovN
}

// Has reports whether any record carried metric m.
func (t *Totals) Has(m Metric) bool { return t.N[m] > 0 }

// Count returns the summed numerator of m (a count for count metrics).
func (t *Totals) Count(m Metric) (float64, bool) {
	if t.N[m] == 0 {
		return 0, false
	}
	if m == Sales {
		return float64(t.SalesFen), true
	}
	return t.Num[m], true
}

// Rate returns Num/Base of a ratio metric; false when missing or the base is 0.
func (t *Totals) Rate(m Metric) (float64, bool) {
	if t.N[m] == 0 || t.Base[m] <= 0 {
		return 0, false
	}
	return t.Num[m] / t.Base[m], true
}

// ConsultationCount returns customers who wrote.
func (t *Totals) ConsultationCount() (float64, bool) { return t.Count(Consultations) }

// ServedCount returns customers served.
func (t *Totals) ServedCount() (float64, bool) { return t.Count(Served) }

// InquiryCount returns customers who asked before ordering.
func (t *Totals) InquiryCount() (float64, bool) { return t.Count(Inquiries) }

// PaidCount returns inquirers who paid.
func (t *Totals) PaidCount() (float64, bool) { return t.Count(Paid) }

// RatingCount returns the number of ratings (only sources with counts).
func (t *Totals) RatingCount() (float64, bool) { return t.Count(Ratings) }

// SatisfiedCount returns satisfied ratings (rebuilt from a rate when the source
// only had the rate).
func (t *Totals) SatisfiedCount() (float64, bool) { return t.Count(Satisfied) }

// DissatisfiedCount returns dissatisfied ratings (rebuilt from a rate when the
// source only had the rate).
func (t *Totals) DissatisfiedCount() (float64, bool) { return t.Count(Dissatisfied) }

// RecoveredCount returns orders won back.
func (t *Totals) RecoveredCount() (float64, bool) { return t.Count(Recovered) }

// Sales returns sales in yuan.
func (t *Totals) Sales() (float64, bool) {
	if t.N[Sales] == 0 {
		return 0, false
	}
	return float64(t.SalesFen) / 100, true
}

// Conversion returns paid buyers / inquiries (询单转化率).
func (t *Totals) Conversion() (float64, bool) {
	if t.convN == 0 || t.convInq <= 0 {
		return 0, false
	}
	return t.convPaid / t.convInq, true
}

// Satisfaction returns satisfied / ratings (满意率).
func (t *Totals) Satisfaction() (float64, bool) { return t.Rate(Satisfied) }

// BadRate returns dissatisfied / ratings (差评率 / 不满意率).
func (t *Totals) BadRate() (float64, bool) { return t.Rate(Dissatisfied) }

// FirstResp returns the weighted average first response time in seconds.
func (t *Totals) FirstResp() (float64, bool) { return t.Rate(FirstResp) }

// AvgResp returns the weighted average response time in seconds.
func (t *Totals) AvgResp() (float64, bool) { return t.Rate(AvgResp) }

// ReplyRate returns customers replied to / customers who wrote (回复率).
func (t *Totals) ReplyRate() (float64, bool) { return t.Rate(Replied) }

// Reply3m returns the 3-minute reply rate.
func (t *Totals) Reply3m() (float64, bool) { return t.Rate(Replied3m) }

// FCR returns the first-contact resolution rate (首次解决率).
func (t *Totals) FCR() (float64, bool) { return t.Rate(Resolved) }

// RefundRate returns refunds / orders (退款率).
func (t *Totals) RefundRate() (float64, bool) { return t.Rate(Refunds) }

// AOV returns sales / paying buyers in yuan (客单价).
func (t *Totals) AOV() (float64, bool) {
	if t.aovN == 0 || t.aovPaid <= 0 {
		return 0, false
	}
	return t.aovFen / 100 / t.aovPaid, true
}
