package kpi

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store/embedded"
)

const samplesDir = "../../shared/samples"

// expectedMonth is expected-month.json.
type expectedMonth struct {
	Agents []string                      `json:"agents"`
	Month  map[string]map[string]float64 `json:"month"`
}

func loadExpected(t *testing.T) *expectedMonth {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, "expected-month.json"))
	if os.IsNotExist(err) {
		t.Skipf("samples not found at %s; skipping sample tests", samplesDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var e expectedMonth
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

// sampleResolver knows the sample agents by name and by their 京东 account.
func sampleResolver(e *expectedMonth) MapResolver {
	m := MapResolver{}
	for _, a := range e.Agents {
		if a == "TEAM" {
			continue
		}
		m[a] = a
		m["jd_"+a] = a
	}
	return m
}

func newTestRepo(tb testing.TB) *Repo {
	tb.Helper()
	st, err := embedded.Open(filepath.Join(tb.TempDir(), "db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return NewRepo(st)
}

// figure reads one expected-month.json figure from an aggregate.
func figure(t *Totals, name string) (float64, bool) {
	switch name {
	case "Served":
		return t.ServedCount()
	case "Inquiries":
		return t.InquiryCount()
	case "Paid":
		return t.PaidCount()
	case "Ratings":
		return t.RatingCount()
	case "Satisfied":
		return t.SatisfiedCount()
	case "Dissatisfied":
		return t.DissatisfiedCount()
	case "Sales":
		return t.Sales()
	case "Conversion":
		return t.Conversion()
	case "Satisfaction":
		return t.Satisfaction()
	case "BadRate":
		return t.BadRate()
	case "FirstResp":
		return t.FirstResp()
	case "AvgResp":
		return t.AvgResp()
	}
	panic("unknown figure " + name)
}

var allFigures = []string{"Served", "Inquiries", "Paid", "Ratings", "Satisfied", "Dissatisfied", "Sales",
	"Conversion", "Satisfaction", "BadRate", "FirstResp", "AvgResp"}

// checkMonth compares the report with expected-month.json for the given
// figures, exactly up to float rounding.
func checkMonth(t *testing.T, rep *Report, e *expectedMonth, figures []string, tol float64) {
	t.Helper()
	for _, who := range e.Agents {
		agg := &rep.Total
		if who != "TEAM" {
			agg = rep.Agents[who]
			if agg == nil {
				t.Errorf("%s: no data", who)
				continue
			}
		}
		for _, f := range figures {
			want := e.Month[who][f]
			got, ok := figure(agg, f)
			if !ok {
				t.Errorf("%s %s: no data, want %v", who, f, want)
				continue
			}
			if d := math.Abs(got - want); d > tol*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s = %v, want %v (diff %g)", who, f, got, want, d)
			}
		}
	}
}

func importSample(t *testing.T, im *Importer, name string) *Summary {
	t.Helper()
	sum, err := im.ImportFile(context.Background(), filepath.Join(samplesDir, name), Options{Team: "t1"})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got := sum.Imported + sum.SkippedRows() + sum.ErrorRows; got != sum.RowsRead {
		t.Errorf("%s: rows read %d != imported %d + skipped %d", name, sum.RowsRead, sum.Imported, sum.SkippedRows())
	}
	if len(sum.Unknown) > 0 {
		t.Errorf("%s: unknown agents %v", name, sum.Unknown)
	}
	return sum
}

// sampleFiles lists each sample, its preset, the rows it has and the
// figures it carries exactly. Satisfaction and BadRate of the rate-only
// exports (飞鸽, 京东, 快手) are rebuilt over customers served and only
// approximate the true month; approx lists those.
var sampleFiles = []struct {
	file    string
	preset  string
	rows    int
	skipped map[string]int
	exact   []string
	approx  []string
}{
	{"chitu-presales-daily.xlsx", "chitu", 279, map[string]int{SkipSummary: 31},
		[]string{"Served", "Inquiries", "Paid", "Sales", "Conversion", "FirstResp", "AvgResp"}, nil},
	{"chitu-ratings-daily.csv", "chitu", 248, nil,
		[]string{"Served", "Ratings", "Satisfied", "Dissatisfied", "Satisfaction", "BadRate"}, nil},
	{"feige-agent-daily.csv", "feige", 248, nil,
		[]string{"Served", "Inquiries", "Paid", "Sales", "Conversion", "FirstResp", "AvgResp"}, []string{"Satisfaction", "BadRate"}},
	{"jd-service-workload.xlsx", "jd", 248, nil,
		[]string{"Served", "FirstResp", "AvgResp"}, []string{"Satisfaction"}},
	{"pdd-agent-daily.csv", "pdd", 248, nil,
		[]string{"Served", "Inquiries", "Paid", "Sales", "Conversion", "AvgResp"}, nil},
	{"kuaishou-assessment.xlsx", "kuaishou", 248, nil,
		[]string{"Inquiries", "Paid", "Sales", "Conversion", "AvgResp"}, []string{"Satisfaction", "BadRate"}},
}

func TestSamplesEachFile(t *testing.T) {
	e := loadExpected(t)
	for _, sf := range sampleFiles {
		t.Run(sf.file, func(t *testing.T) {
			repo := newTestRepo(t)
			im := &Importer{Sink: repo, Resolver: sampleResolver(e)}
			sum := importSample(t, im, sf.file)
			if sum.Preset != sf.preset {
				t.Errorf("preset %q, want %q", sum.Preset, sf.preset)
			}
			if sum.RowsRead != sf.rows || sum.Imported != 248 {
				t.Errorf("rows read %d imported %d, want %d and 248", sum.RowsRead, sum.Imported, sf.rows)
			}
			for reason, n := range sf.skipped {
				if sum.Skipped[reason] != n {
					t.Errorf("skipped %s = %d, want %d", reason, sum.Skipped[reason], n)
				}
			}
			if sum.From != "2026-10-01" || sum.To != "2026-10-31" || sum.Days != 31 || sum.Records != 248 {
				t.Errorf("covered %s..%s (%d days), %d records", sum.From, sum.To, sum.Days, sum.Records)
			}
			rep, err := repo.Range(context.Background(), "t1", "2026-10-01", "2026-10-31")
			if err != nil {
				t.Fatal(err)
			}
			checkMonth(t, rep, e, sf.exact, 1e-9)
			checkMonth(t, rep, e, sf.approx, 0.01)
		})
	}
}

func TestSamplesChituTogether(t *testing.T) {
	e := loadExpected(t)
	repo := newTestRepo(t)
	im := &Importer{Sink: repo, Resolver: sampleResolver(e)}
	a := importSample(t, im, "chitu-presales-daily.xlsx")
	b := importSample(t, im, "chitu-ratings-daily.csv")
	if a.Source == b.Source {
		t.Fatalf("both chitu exports got source %q; they would replace each other", a.Source)
	}
	rep, err := repo.Range(context.Background(), "t1", "2026-10-01", "2026-10-31")
	if err != nil {
		t.Fatal(err)
	}
	checkMonth(t, rep, e, allFigures, 1e-9)
}

func TestSamplesAllTogether(t *testing.T) {
	e := loadExpected(t)
	// Every order must give the same month: precedence is by quality, not by
	// which import came last.
	orders := [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {2, 0, 5, 1, 3, 4}}
	for _, order := range orders {
		repo := newTestRepo(t)
		clock := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		im := &Importer{Sink: repo, Resolver: sampleResolver(e), Now: func() time.Time {
			clock = clock.Add(time.Minute)
			return clock
		}}
		for _, i := range order {
			importSample(t, im, sampleFiles[i].file)
		}
		// Importing one file again replaces, never doubles.
		importSample(t, im, sampleFiles[order[0]].file)
		rep, err := repo.Range(context.Background(), "t1", "2026-10-01", "2026-10-31")
		if err != nil {
			t.Fatal(err)
		}
		checkMonth(t, rep, e, allFigures, 1e-9)
		if len(rep.Agents) != len(e.Agents)-1 {
			t.Errorf("agents %v", rep.AgentIDs())
		}
	}
}
