package kpi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// memSink keeps what an import writes.
type memSink struct{ recs []Record }

func (m *memSink) PutBatch(_ context.Context, recs []Record) error {
	m.recs = append(m.recs, recs...)
	return nil
}

// FuzzImportCSV feeds arbitrary bytes to the importer: it must never panic;
// a failed import writes nothing; a successful one accounts for every row.
func FuzzImportCSV(f *testing.F) {
	for _, name := range []string{"feige-agent-daily.csv", "pdd-agent-daily.csv", "chitu-ratings-daily.csv"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", name)); err == nil {
			f.Add(b[:min(len(b), 2000)])
		}
	}
	f.Add([]byte("日期,客服昵称,满意率,接待人数\n2026-10-01,小王,95%,40\n2026-10-01,合计,95%,40\n"))
	f.Add([]byte("\xef\xbb\xbf客服昵称,首次响应时长（秒）\n小王,2分30秒\n"))
	f.Add([]byte("PK\x03\x04junk"))
	res := MapResolver{"小王": "xiaowang", "小李": "xiaoli", "阿强": "aqiang"}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, res, data, "fuzz.csv")
	})
}

// fuzzImport imports data as file and checks what every import must hold:
// a failed import writes nothing and says why; a successful one accounts
// for every row it read and reports the records it wrote.
func fuzzImport(t *testing.T, res Resolver, data []byte, file string) {
	sink := &memSink{}
	im := &Importer{Sink: sink, Resolver: res, MaxBytes: 1 << 20, TempDir: t.TempDir()}
	sum, err := im.ImportReader(context.Background(), bytes.NewReader(data), file, Options{Team: "t", Date: "2026-10-01"})
	if err != nil {
		if len(sink.recs) != 0 {
			t.Fatalf("failed import wrote %d records: %v", len(sink.recs), err)
		}
		if err.Error() == "" {
			t.Fatal("an error without a message")
		}
		return
	}
	skipped := 0
	for _, n := range sum.Skipped {
		skipped += n
	}
	if sum.Imported+skipped != sum.RowsRead {
		t.Fatalf("rows read %d != imported %d + skipped %d", sum.RowsRead, sum.Imported, skipped)
	}
	if sum.Records != len(sink.recs) {
		t.Fatalf("summary says %d records, sink got %d", sum.Records, len(sink.recs))
	}
}
