package kpi

// progress reports an import's progress to Importer.Progress.
type progress struct {
	fn func(Progress)
	cr *countingReader // nil for XLSX
	p  Progress
}

func (pr *progress) reading(rows int) {
	if pr.fn == nil {
		return
	}
	pr.p.Rows = rows
	if pr.cr != nil {
		pr.p.Bytes = pr.cr.n
	}
	pr.fn(pr.p)
}

func (pr *progress) writing(records, total int) {
	if pr.fn == nil {
		return
	}
	if pr.cr != nil {
		pr.p.Bytes = pr.cr.n
	}
	pr.p.Writing, pr.p.Records, pr.p.Total = true, records, total
	pr.fn(pr.p)
}

func (pr *progress) done() {
	if pr.fn == nil {
		return
	}
	pr.p.Done = true
	pr.fn(pr.p)
}
