package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// kind is one thing `banzu import` or `banzu export` handles (kpi, lessons,
// knowledge …). Each feature registers its kinds from its own file's init.
type kind struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error
}

var (
	importKinds = map[string]kind{}
	exportKinds = map[string]kind{}
)

func registerImport(name string, k kind) { importKinds[name] = k }
func registerExport(name string, k kind) { exportKinds[name] = k }

func init() {
	commands["import"] = command{"import 类型 文件…：导入数据（不带参数查看可导入的类型）", kindCmd("import", importKinds)}
	commands["export"] = command{"export 类型：导出数据（不带参数查看可导出的类型）", kindCmd("export", exportKinds)}
}

// kindCmd dispatches `banzu VERB KIND args…` to the registered kind. With no
// kind (nothing, or an option such as --demo first) it answers with the usage
// listing the kinds; -h, --help and help print that usage and succeed.
func kindCmd(verb string, kinds map[string]kind) func(context.Context, []string, io.Writer, io.Writer, []string) error {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, kindUsage(verb, kinds))
			return nil
		}
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return errors.New(kindUsage(verb, kinds))
		}
		k, ok := kinds[args[0]]
		if !ok {
			return fmt.Errorf("不认识的类型 %q（可用：%s）", args[0], kindNames(kinds))
		}
		return k.run(ctx, args[1:], stdout, stderr, env)
	}
}

// kindUsage is "用法：banzu VERB 类型 [选项]" with one line per kind.
func kindUsage(verb string, kinds map[string]kind) string {
	var b strings.Builder
	fmt.Fprintf(&b, "用法：banzu %s 类型 [选项]（类型：%s）", verb, kindNames(kinds))
	names := slices.Sorted(maps.Keys(kinds))
	for _, n := range names {
		fmt.Fprintf(&b, "\n  %-10s %s", n, kinds[n].summary)
	}
	if len(names) > 0 {
		fmt.Fprintf(&b, "\n各类型的选项：banzu %s 类型 -h", verb)
	}
	return b.String()
}

func kindNames(kinds map[string]kind) string {
	names := slices.Sorted(maps.Keys(kinds))
	if len(names) == 0 {
		return "暂无"
	}
	return strings.Join(names, "、")
}

// fileFormat picks an export's format: the --format value, else the output
// file's extension when it is one of allowed, else def.
func fileFormat(format, out, def string, allowed ...string) (string, error) {
	f := strings.ToLower(format)
	if f == "" {
		f = def
		ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(out), "."))
		if ext == "yml" {
			ext = "yaml"
		}
		if slices.Contains(allowed, ext) {
			f = ext
		}
	}
	if !slices.Contains(allowed, f) {
		return "", fmt.Errorf("--format 只能是 %s，不是 %q", strings.Join(allowed, " 或 "), format)
	}
	return f, nil
}
