package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/banzu-bot/banzu/lesson"
)

func init() {
	registerExport("lessons", kind{"lessons [-o 文件] [--format yaml|xlsx]：导出微课题库（内置题库加已导入的课程）", exportLessons})
}

func exportLessons(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("export lessons", stderr)
	out := fs.String("o", "", "输出文件（默认打印 YAML 到标准输出）")
	format := fs.String("format", "", "yaml 或 xlsx（默认按 -o 的扩展名）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	f, err := fileFormat(*format, *out, "yaml", "yaml", "xlsx")
	if err != nil {
		return err
	}
	if f == "xlsx" && *out == "" {
		return fmt.Errorf("导出 xlsx 需要用 -o 指定文件")
	}
	a, err := c.open(ctx, env, stderr, "请先停止它再导出")
	if err != nil {
		return err
	}
	defer a.Close()
	bank, err := lesson.NewRepo(a.Store).Bank(ctx)
	if err != nil {
		return err
	}
	var data []byte
	if f == "xlsx" {
		data, err = lesson.MarshalXLSX(bank.Lessons)
	} else {
		data, err = lesson.MarshalYAML(bank.Lessons)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(data)
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已导出 %d 节课程、%d 道题目到 %s\n", len(bank.Lessons), bank.NumQuestions(), *out)
	return nil
}
