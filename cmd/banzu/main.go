// Command banzu is the crew bot: it runs the daily management routine of
// e-commerce customer-service teams in their WeCom and DingTalk groups.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai even on images without /usr/share/zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// run is the whole CLI; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) int {
	name := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		usage(stdout) // every command, not only serve's flags
		return 0
	}
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "banzu: 未知命令 %q\n\n", name)
		usage(stderr)
		return 2
	}
	if err := cmd.run(ctx, args, stdout, stderr, env); err != nil {
		fmt.Fprintf(stderr, "banzu %s: %v\n", name, err)
		return 1
	}
	return 0
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error
}

// commands is filled by init functions, here and in each command's file.
var commands = map[string]command{}

func init() {
	for name, c := range map[string]command{
		"serve":   {"运行班组助手（默认命令）", serveCmd},
		"config":  {"config check | config dump：检查或打印配置（密钥已隐藏）", configCmd},
		"job":     {"job list | job run 名称 [--team T]：查看或立即运行定时任务", jobCmd},
		"version": {"打印版本", versionCmd},
		"help":    {"显示帮助", func(_ context.Context, _ []string, out, _ io.Writer, _ []string) error { usage(out); return nil }},
	} {
		commands[name] = c
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "用法：banzu [命令] [选项]")
	fmt.Fprintln(w, "\n命令：")
	for _, n := range []string{"serve", "config", "job", "import", "export", "report", "backup", "migrate", "version", "help"} {
		if c, ok := commands[n]; ok {
			fmt.Fprintf(w, "  %-8s %s\n", n, c.summary)
		}
	}
	fmt.Fprintln(w, "\n通用选项：--config 文件（BANZU_CONFIG） --listen 地址（BANZU_LISTEN） --data 目录（BANZU_DATA_DIR） --demo")
	fmt.Fprintln(w, "每个命令的选项：banzu 命令 --help，例如 banzu report --help")
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func versionCmd(_ context.Context, _ []string, out, _ io.Writer, _ []string) error {
	fmt.Fprintf(out, "banzu %s\n", version)
	return nil
}
