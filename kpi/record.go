package kpi

// Record is one agent's figures for one day from one source. Figures are
// numerators and bases, so records of any period or group add up correctly
// (see Aggregate). A metric whose Quality is QMissing is absent, which differs
// from a present zero.
type Record struct {
	Team     string // team id
	Date     string // YYYY-MM-DD
	Agent    string // member id
	Source   string // kind of export, e.g. "chitu.5d0b7a"
	ImportID int64  // Unix nanoseconds of the import; the newer wins in merges

	Quality [NumMetrics]Quality
	Num     [NumMetrics]float64 // count, or numerator of a ratio metric
	Base    [NumMetrics]float64 // base of a ratio metric (weight for response times)

	SalesFen int64 // sales in fen (0.01 yuan); present when Quality[Sales] > 0
}

// Has reports whether metric m is present.
func (r *Record) Has(m Metric) bool { return r.Quality[m] != QMissing }

// Present returns the set of metrics the record carries.
func (r *Record) Present() Mask {
	var k Mask
	for m := Metric(0); m < NumMetrics; m++ {
		if r.Quality[m] != QMissing {
			k |= 1 << m
		}
	}
	return k
}

// Set stores a metric's numerator and base (base is ignored for counts).
func (r *Record) Set(m Metric, q Quality, num, base float64) {
	r.Quality[m] = q
	r.Num[m] = num
	if m.IsRatio() {
		r.Base[m] = base
	}
}

// SetSales stores sales in fen.
func (r *Record) SetSales(q Quality, fen int64) {
	r.Quality[Sales] = q
	r.SalesFen = fen
}

// Clear removes metric m.
func (r *Record) Clear(m Metric) {
	r.Quality[m], r.Num[m], r.Base[m] = QMissing, 0, 0
	if m == Sales {
		r.SalesFen = 0
	}
}

// Empty reports whether the record carries no metric at all.
func (r *Record) Empty() bool { return r.Present() == 0 }

// Add adds o's figures into r, metric by metric: two rows of one file for the
// same agent and day (two sub-accounts of one person) sum up. A metric present
// on one side only is taken as is; the quality of a sum is the lower one.
func (r *Record) Add(o *Record) {
	for m := Metric(0); m < NumMetrics; m++ {
		qo := o.Quality[m]
		if qo == QMissing {
			continue
		}
		if q := r.Quality[m]; q == QMissing || qo < q {
			r.Quality[m] = qo
		}
		r.Num[m] += o.Num[m]
		r.Base[m] += o.Base[m]
	}
	r.SalesFen += o.SalesFen
	if o.ImportID > r.ImportID {
		r.ImportID = o.ImportID
	}
}

// Merge combines records of the same team, date and agent from different
// sources into one. For each metric it takes the figures of a single source:
// the highest Quality, then the newest ImportID, then the smallest Source
// name. Figures from different sources are never added up. Merge returns the
// zero Record for no input; the result's Source is empty unless all inputs
// share one.
func Merge(recs []Record) Record {
	if len(recs) == 0 {
		return Record{}
	}
	out := Record{Team: recs[0].Team, Date: recs[0].Date, Agent: recs[0].Agent, Source: recs[0].Source}
	for i := range recs {
		if recs[i].Source != out.Source {
			out.Source = ""
		}
		if recs[i].ImportID > out.ImportID {
			out.ImportID = recs[i].ImportID
		}
	}
	for m := Metric(0); m < NumMetrics; m++ {
		best := -1
		for i := range recs {
			if recs[i].Quality[m] == QMissing {
				continue
			}
			if best < 0 || better(&recs[i], &recs[best], m) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		b := &recs[best]
		out.Quality[m], out.Num[m], out.Base[m] = b.Quality[m], b.Num[m], b.Base[m]
		if m == Sales {
			out.SalesFen = b.SalesFen
		}
	}
	return out
}

// better reports whether a's figures for m take precedence over b's.
func better(a, b *Record, m Metric) bool {
	if a.Quality[m] != b.Quality[m] {
		return a.Quality[m] > b.Quality[m]
	}
	if a.ImportID != b.ImportID {
		return a.ImportID > b.ImportID
	}
	return a.Source < b.Source
}
