package kpi

import "math"

// rowValues are the parsed cells of one data row, indexed by Column.
type rowValues struct {
	v   [numColumns]float64 // counts, fractions and seconds
	fen [numColumns]int64   // money columns, in fen
	has uint64              // bit per Column
}

func (rv *rowValues) get(c Column) (float64, bool) { return rv.v[c], rv.has&(1<<c) != 0 }
func (rv *rowValues) ok(c Column) bool             { return rv.has&(1<<c) != 0 }

// buildRecord turns a row's values into figures, rebuilding numerators from
// rates where the row has no counts (see the package documentation for the
// choice of bases).
func buildRecord(rv *rowValues, r *Record) {
	consult, hasConsult := rv.get(ColConsultations)
	served, hasServed := rv.get(ColServed)
	sessions, hasSessions := rv.get(ColSessions)
	for _, x := range [...]struct {
		c Column
		m Metric
	}{{ColConsultations, Consultations}, {ColServed, Served}, {ColSessions, Sessions},
		{ColInquiries, Inquiries}, {ColPaid, Paid}, {ColOrders, Orders}, {ColRecovered, Recovered}} {
		if v, ok := rv.get(x.c); ok {
			r.Set(x.m, QExact, v, 0)
		}
	}

	// Stand-in base for rates of customers: served, else sessions, else
	// consultations.
	proxy, hasProxy := served, hasServed
	if !hasProxy {
		proxy, hasProxy = sessions, hasSessions
	}
	if !hasProxy {
		proxy, hasProxy = consult, hasConsult
	}

	buildRatings(rv, r, proxy, hasProxy, served, hasServed)

	// Conversion.
	if !r.Has(Paid) && r.Has(Inquiries) {
		if rate, ok := rv.get(ColConversionRate); ok {
			r.Set(Paid, QDerived, rate*r.Num[Inquiries], 0)
		}
	}

	// Sales.
	if rv.ok(ColSales) {
		r.SetSales(QExact, rv.fen[ColSales])
	} else if rv.ok(ColAOV) && r.Has(Paid) {
		r.SetSales(QDerived, int64(math.Round(float64(rv.fen[ColAOV])*r.Num[Paid])))
	}

	// Response times, weighted by customers served.
	w, qw := 1.0, QProxy
	switch {
	case hasServed:
		w, qw = served, QExact
	case hasSessions:
		w, qw = sessions, QExact
	case hasConsult:
		w = consult
	}
	if v, ok := rv.get(ColFirstResp); ok {
		r.Set(FirstResp, qw, v*w, w)
	}
	if v, ok := rv.get(ColAvgResp); ok {
		r.Set(AvgResp, qw, v*w, w)
	}

	// Reply rate: over customers who wrote.
	if rate, ok := rv.get(ColReplyRate); ok {
		if hasConsult {
			r.Set(Replied, QDerived, rate*consult, consult)
		} else if hasProxy {
			r.Set(Replied, QProxy, rate*proxy, proxy)
		}
	}
	// 3-minute reply rate: over sessions.
	if rate, ok := rv.get(ColReply3mRate); ok {
		if hasSessions {
			r.Set(Replied3m, QDerived, rate*sessions, sessions)
		} else if hasProxy {
			r.Set(Replied3m, QProxy, rate*proxy, proxy)
		}
	}
	// First-contact resolution: over consultations.
	if n, ok := rv.get(ColResolved); ok && hasConsult {
		r.Set(Resolved, QExact, n, consult)
	} else if rate, ok := rv.get(ColFCRRate); ok {
		if hasConsult {
			r.Set(Resolved, QDerived, rate*consult, consult)
		} else if hasProxy {
			r.Set(Resolved, QProxy, rate*proxy, proxy)
		}
	}
	// Refund rate: over orders, else paid buyers.
	orders, hasOrders := rv.get(ColOrders)
	paid, hasPaid := r.Num[Paid], r.Has(Paid)
	if n, ok := rv.get(ColRefunds); ok && (hasOrders || hasPaid) {
		if hasOrders {
			r.Set(Refunds, QExact, n, orders)
		} else {
			r.Set(Refunds, QDerived, n, paid)
		}
	} else if rate, ok := rv.get(ColRefundRate); ok {
		if hasOrders {
			r.Set(Refunds, QDerived, rate*orders, orders)
		} else if hasPaid {
			r.Set(Refunds, QProxy, rate*paid, paid)
		}
	}
}

// buildRatings fills Ratings, Satisfied and Dissatisfied: from the five
// rating levels when the row has them, else from rates over the rating count,
// else over invitations sent (评价发送率 × 接待人数), else over the proxy base.
func buildRatings(rv *rowValues, r *Record, proxy float64, hasProxy bool, served float64, hasServed bool) {
	levels := rv.has & (1<<ColVerySatisfied | 1<<ColSatisfied | 1<<ColNeutral | 1<<ColDissatisfied | 1<<ColVeryDissatisfied)
	count, hasCount := rv.get(ColRatings)
	if levels != 0 {
		total := rv.v[ColVerySatisfied] + rv.v[ColSatisfied] + rv.v[ColNeutral] + rv.v[ColDissatisfied] + rv.v[ColVeryDissatisfied]
		if hasCount {
			total = count
		}
		r.Set(Ratings, QExact, total, 0)
		if rv.ok(ColVerySatisfied) || rv.ok(ColSatisfied) {
			r.Set(Satisfied, QExact, rv.v[ColVerySatisfied]+rv.v[ColSatisfied], total)
		}
		if rv.ok(ColDissatisfied) || rv.ok(ColVeryDissatisfied) {
			r.Set(Dissatisfied, QExact, rv.v[ColDissatisfied]+rv.v[ColVeryDissatisfied], total)
		}
		return
	}
	base, qb, hasBase := proxy, QProxy, hasProxy
	if hasCount {
		r.Set(Ratings, QExact, count, 0)
		base, qb, hasBase = count, QDerived, true
	} else if rate, ok := rv.get(ColInviteRate); ok && hasServed {
		base, qb, hasBase = rate*served, QDerived, true
	}
	if !hasBase {
		return
	}
	if rate, ok := rv.get(ColSatisfactionRate); ok {
		r.Set(Satisfied, qb, rate*base, base)
	}
	if rate, ok := rv.get(ColBadRate); ok {
		r.Set(Dissatisfied, qb, rate*base, base)
	} else if n, ok := rv.get(ColBadCount); ok {
		q := qb
		if hasCount {
			q = QExact
		}
		r.Set(Dissatisfied, q, n, base)
	}
}
