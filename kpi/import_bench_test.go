package kpi

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store/embedded"
)

// benchAgents returns n agent names, "客服0001" …, and a resolver for them.
func benchAgents(n int) ([]string, MapResolver) {
	names := make([]string, n)
	res := MapResolver{}
	for i := range names {
		names[i] = fmt.Sprintf("客服%04d", i+1)
		res[names[i]] = fmt.Sprintf("a%04d", i+1)
	}
	return names, res
}

// writeFeigeFile writes a rows-row 飞鸽 CSV for October 2026 into dir.
func writeFeigeFile(tb testing.TB, dir string, rows int, agents []string) string {
	tb.Helper()
	path := filepath.Join(dir, fmt.Sprintf("feige-%d.csv", rows))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := WriteSampleFeige(w, rows, agents, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkImport100k imports a 100,000-row 飞鸽 CSV into a fresh embedded
// store: reading, parsing, staging and the store writes. With 3,226 agents
// every row is its own agent-day (100,000 records written, the worst case for
// the store); with the 8 sample agents the rows add up to 248 agent-days.
func BenchmarkImport100k(b *testing.B) {
	const rows = 100_000
	for _, n := range []int{3226, 8} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			agents, res := benchAgents(n)
			path := writeFeigeFile(b, b.TempDir(), rows, agents)
			ctx := context.Background()
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				st, err := embedded.Open(filepath.Join(b.TempDir(), "banzu.db"))
				if err != nil {
					b.Fatal(err)
				}
				im := &Importer{Sink: NewRepo(st), Resolver: res, TempDir: b.TempDir()}
				b.StartTimer()
				sum, err := im.ImportFile(ctx, path, Options{Team: "presale"})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if sum.Imported != rows {
					b.Fatalf("imported %d of %d rows", sum.Imported, rows)
				}
				if err := st.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
			// CPU time (user + system, all goroutines, setup included) is
			// steadier than wall time on a shared machine.
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(b.N*rows)/cpu.Seconds(), "rows/cpu-s")
		})
	}
}
