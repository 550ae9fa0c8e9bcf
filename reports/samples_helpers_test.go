package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/store/embedded"
)

// The sample month (../../shared/samples) imported into a fresh store, and
// helpers that read the workbook built from it.

const samplesDir = "../../shared/samples"

type expectedMonth struct {
	Agents []string                      `json:"agents"`
	Month  map[string]map[string]float64 `json:"month"`
}

// figureTitles maps expected-month.json figures to the report's column titles.
var figureTitles = map[string]string{
	"Served": "接待人数", "Inquiries": "询单人数", "Paid": "付款人数", "Ratings": "评价数",
	"Sales": "销售额", "Conversion": "询单转化率", "Satisfaction": "满意率", "BadRate": "差评率",
	"FirstResp": "首次响应时间", "AvgResp": "平均响应时间",
}

func newRepo(tb testing.TB) (*kpi.Repo, *embedded.Store) {
	tb.Helper()
	st, err := embedded.Open(filepath.Join(tb.TempDir(), "db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return kpi.NewRepo(st), st
}

// presale is the demo 售前组, whose agents carry the sample names.
func presale() Team {
	tc := demo.Teams()[0]
	t := Team{ID: tc.ID, Name: tc.Name}
	for _, m := range tc.Members {
		t.Members = append(t.Members, Member{ID: m.ID, Name: m.Name, Level: m.Level, Agent: m.Role == "agent"})
	}
	return t
}

// importSamples imports every sample export of October 2026 into team
// "presale" and returns the expected month.
func importSamples(t *testing.T, repo *kpi.Repo) *expectedMonth {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, "expected-month.json"))
	if os.IsNotExist(err) {
		t.Skipf("samples not found at %s; skipping", samplesDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var e expectedMonth
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	res := kpi.MapResolver{}
	for _, m := range demo.Teams()[0].Members {
		res[m.Name] = m.ID
		res["jd_"+m.Name] = m.ID
	}
	im := &kpi.Importer{Sink: repo, Resolver: res}
	for _, name := range []string{"chitu-presales-daily.xlsx", "chitu-ratings-daily.csv", "feige-agent-daily.csv",
		"jd-service-workload.xlsx", "pdd-agent-daily.csv", "kuaishou-assessment.xlsx"} {
		sum, err := im.ImportFile(context.Background(), filepath.Join(samplesDir, name), kpi.Options{Team: "presale"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(sum.Unknown) > 0 {
			t.Fatalf("%s: unknown agents %v", name, sum.Unknown)
		}
	}
	return &e
}

func october() (time.Time, time.Time) {
	loc := time.FixedZone("CST", 8*3600)
	return time.Date(2026, 10, 1, 0, 0, 0, 0, loc), time.Date(2026, 10, 31, 0, 0, 0, 0, loc)
}

func build(t testing.TB, b *Builder, req *Request) *excelize.File {
	t.Helper()
	data, _, err := b.Bytes(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sheetTable reads a sheet whose header row is hdr: column index by title,
// and the rows below it.
func sheetTable(t *testing.T, f *excelize.File, sheet string, hdr int) (map[string]int, [][]string) {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < hdr {
		t.Fatalf("%s: %d rows", sheet, len(rows))
	}
	idx := map[string]int{}
	for i, h := range rows[hdr-1] {
		idx[h] = i
	}
	return idx, rows[hdr:]
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func near(t *testing.T, what, got string, want float64) {
	t.Helper()
	v, err := strconv.ParseFloat(got, 64)
	if err != nil {
		t.Errorf("%s = %q, want %v", what, got, want)
		return
	}
	if math.Abs(v-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, v, want)
	}
}

// isRed reports whether a cell carries the "missed target" fill.
func isRed(t *testing.T, f *excelize.File, sheet, ref string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return len(s.Fill.Color) > 0 && strings.EqualFold(s.Fill.Color[0], "FFC7CE")
}

func mustBytes(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
