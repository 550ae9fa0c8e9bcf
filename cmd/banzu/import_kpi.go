package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/tmpdir"
)

func init() {
	registerImport("kpi", kind{
		summary: "kpi 文件… --team 团队 [--date 日期] [--preset 格式] [--dry-run]：导入店铺平台导出的客服绩效报表（CSV/XLSX）",
		run:     importKPICmd,
	})
}

// importKPIUsage is shown for missing files.
const importKPIUsage = "用法：banzu import kpi 文件… --team 团队 [--date 2026-10-01] [--preset chitu|feige|jd|pdd|kuaishou|generic] [--dry-run]"

func importKPICmd(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("import kpi", stderr)
	team := fs.String("team", "", "导入到哪个团队（团队 id，如 presale）")
	date := fs.String("date", "", "文件没有日期列时，数据记在哪一天（YYYY-MM-DD）")
	preset := fs.String("preset", "", "导出格式：chitu、feige、jd、pdd、kuaishou、generic（默认按表头自动识别）")
	dryRun := fs.Bool("dry-run", false, "只检查文件并报告，不写入数据")
	files, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New(importKPIUsage)
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	t, err := kpi.FindTeam(cfg.Teams, *team)
	if err != nil {
		return err
	}
	im := &kpi.Importer{Resolver: kpi.NewRosterResolver(t.Members), Mappings: cfg.KPI.Mappings, By: cliUser()}
	var log *slog.Logger
	if *dryRun {
		// A dry run needs no store, so it also works while banzu serve holds
		// the data file.
		im.Sink = kpiDryRunSink{}
		if im.TempDir, err = tmpdir.For(cfg.DataDir); err != nil {
			fmt.Fprintf(stderr, "清理临时目录 %s 失败：%v\n", tmpdir.Root(cfg.DataDir), err)
		}
		defer os.Remove(im.TempDir) // when empty
	} else {
		a, err := c.openApp(ctx, cfg, stderr, "请先停止它，或通过 HTTP 接口 POST /api/v1/kpi/import 导入", false, app.Options{})
		if err != nil {
			return err
		}
		defer a.Close()
		im.Sink = kpi.NewRepo(a.Store)
		im.TempDir = a.TempDir()
		log = a.Log
	}
	var bar *kpiProgressBar
	switch {
	case isTerminalWriter(stderr):
		bar = &kpiProgressBar{w: stderr}
		im.Progress = bar.update
	case log != nil:
		// No terminal (a cron job, a container): the batches written go to
		// the debug log instead of a bar.
		im.Progress = func(p kpi.Progress) {
			if p.Writing && !p.Done {
				log.Debug("kpi import progress", "file", p.File, "records", p.Records, "total", p.Total)
			}
		}
	}

	failed, partial := 0, 0
	for i, path := range files {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		opt := kpi.Options{Team: t.ID, Preset: *preset, Date: *date, Name: filepath.Base(path)}
		sum, err := im.ImportFile(ctx, path, opt)
		bar.clear()
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("导入已中断：文件 %s 可能只写入了一部分（/kpi 和报表会提示该月“数据导入未完成”），请重新导入它（重复导入会覆盖同一天的数据，不会重复计算）", filepath.Base(path))
		}
		var ie *kpi.ImportError
		switch {
		case err == nil && (sum.Imported == 0 || len(sum.Unknown) > 0):
			fmt.Fprint(stdout, "⚠ "+kpi.FormatSummary(sum, *dryRun))
		case err == nil:
			fmt.Fprint(stdout, "✓ "+kpi.FormatSummary(sum, *dryRun))
		case sum != nil && sum.ErrorCount > 0:
			failed++
			fmt.Fprint(stdout, "✗ "+kpi.FormatSummary(sum, *dryRun))
		case errors.As(err, &ie):
			failed++
			fmt.Fprintf(stdout, "✗ %s：%s\n", filepath.Base(path), ie.Msg)
		default:
			failed++
			fmt.Fprintf(stdout, "✗ %s：%v\n", filepath.Base(path), err)
			if sum != nil && sum.Records > 0 {
				partial++
				fmt.Fprintf(stdout, "  已写入 %d 条后中断：这部分月份会提示“数据导入未完成”，请重新导入这个文件。\n", sum.Records)
			}
		}
	}
	if partial > 0 {
		return fmt.Errorf("%d 个文件中有 %d 个导入失败，其中 %d 个只写入了一部分；请按上面的提示重新导入", len(files), failed, partial)
	}
	if failed > 0 {
		if failed == len(files) && failed == 1 {
			return errors.New("文件导入失败，没有写入任何数据；请按上面的提示修改后重新导入")
		}
		return fmt.Errorf("%d 个文件中有 %d 个导入失败（失败的文件没有写入任何数据）；请按上面的提示修改后重新导入", len(files), failed)
	}
	return nil
}

// cliUser names who runs a command-line import, for the "import in
// progress" marker: "命令行（user@host）".
func cliUser() string {
	u := os.Getenv("USER")
	if u == "" {
		u = os.Getenv("USERNAME")
	}
	h, _ := os.Hostname()
	switch {
	case u != "" && h != "":
		return "命令行（" + u + "@" + h + "）"
	case h != "":
		return "命令行（" + h + "）"
	}
	return "命令行"
}

// parseFlagsAnywhere parses flags that may come after or between the
// positional arguments ("FILE… --team T") and returns the positional ones.
func parseFlagsAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		rest := fs.Args()
		// After "--" everything is positional.
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// kpiDryRunSink counts nothing and keeps nothing: the dry run's sink.
type kpiDryRunSink struct{}

func (kpiDryRunSink) PutBatch(context.Context, []kpi.Record) error { return nil }

// isTerminalWriter reports whether w is a character device (a terminal).
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// kpiProgressBar draws one self-overwriting line on a terminal.
type kpiProgressBar struct {
	w     io.Writer
	last  time.Time
	drawn bool
}

const kpiBarWidth = 30

func (p *kpiProgressBar) update(pr kpi.Progress) {
	if pr.Done {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	var frac float64
	var what string
	switch {
	case pr.Writing && pr.Total > 0:
		frac = float64(pr.Records) / float64(pr.Total)
		what = fmt.Sprintf("写入 %d 条", pr.Records)
	case pr.Size > 0 && pr.Bytes > 0:
		frac = float64(pr.Bytes) / float64(pr.Size)
		what = fmt.Sprintf("读取 %d 行", pr.Rows)
	default:
		what = fmt.Sprintf("读取 %d 行", pr.Rows)
	}
	frac = min(max(frac, 0), 1)
	n := int(frac * kpiBarWidth)
	fmt.Fprintf(p.w, "\r\033[K%s [%s%s] %3.0f%% %s", pr.File, strings.Repeat("█", n), strings.Repeat("░", kpiBarWidth-n), frac*100, what)
	p.drawn = true
}

// clear erases the bar line; a nil bar does nothing.
func (p *kpiProgressBar) clear() {
	if p == nil || !p.drawn {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
	p.drawn = false
	p.last = time.Time{}
}
