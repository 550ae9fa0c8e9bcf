// Command genfeige writes a large 抖店飞鸽-shaped KPI export for benchmarks
// (a development tool; see scripts/bench-import.sh):
//
//	go run ./scripts/genfeige -rows 100000 -o feige.csv
//	go run ./scripts/genfeige -rows 100000 -agents 3226 -o feige.csv -config banzu.yaml
//	go run ./scripts/genfeige -rows 400000 -agents 3226 -months 4 -o feige.csv -config banzu.yaml
//
// By default the rows cycle through the eight agents of the demo team
// presale (so `banzu import kpi FILE --team presale --demo` resolves every
// row, and the rows add up to 8 × 31 agent-days). With -agents N the file has
// N generated agents "客服0001" …, and -config writes a banzu config whose team
// presale has exactly those members, so that every row is its own agent-day
// (the store-write worst case).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/banzu-bot/banzu/kpi"
)

// demoAgents are the presale agents of the demo company (and of
// ../shared/samples).
var demoAgents = []string{"小王", "小李", "阿强", "晓雯", "大刘", "小美", "莉莉", "阿杰"}

func main() {
	rows := flag.Int("rows", 100_000, "data rows to write")
	agents := flag.Int("agents", 0, "generated agents (0: the eight demo presale agents)")
	out := flag.String("o", "feige.csv", "output file")
	month := flag.String("month", "2026-10", "(first) month of the rows (YYYY-MM)")
	months := flag.Int("months", 1, "months the rows cover")
	cfgOut := flag.String("config", "", "also write a banzu config (YAML) with team presale holding the generated agents")
	flag.Parse()
	if err := run(*rows, *agents, *months, *out, *month, *cfgOut); err != nil {
		fmt.Fprintln(os.Stderr, "genfeige:", err)
		os.Exit(1)
	}
}

func run(rows, nAgents, months int, out, month, cfgOut string) error {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return fmt.Errorf("bad -month %q: %w", month, err)
	}
	names := demoAgents
	if nAgents > 0 {
		names = make([]string, nAgents)
		for i := range names {
			names[i] = fmt.Sprintf("客服%04d", i+1)
		}
	}
	if err := writeFile(out, func(w *bufio.Writer) error { return kpi.WriteSampleFeigeMonths(w, rows, names, m, months) }); err != nil {
		return err
	}
	if cfgOut == "" {
		return nil
	}
	if nAgents == 0 {
		return fmt.Errorf("-config needs -agents (the demo agents come with --demo)")
	}
	return writeFile(cfgOut, func(w *bufio.Writer) error {
		fmt.Fprintln(w, "teams:")
		fmt.Fprintln(w, "  - id: presale")
		fmt.Fprintln(w, "    name: 售前组")
		fmt.Fprintln(w, "    members:")
		for i, n := range names {
			fmt.Fprintf(w, "      - {id: a%04d, name: %s, role: agent}\n", i+1, n)
		}
		return nil
	})
}

func writeFile(path string, fill func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
