package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/banzu-bot/banzu/lesson"
)

func init() {
	registerImport("lessons", kind{"lessons 文件…：导入微课题库（YAML 或 XLSX），同编号的课程会被替换", importLessons})
}

// importLessons reads every file first; any error names its row and nothing
// is imported.
func importLessons(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("import lessons", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("用法：banzu import lessons 文件.yaml|文件.xlsx …")
	}
	var all []*lesson.Lesson
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("读取 %s 失败: %w", name, err)
		}
		ls, err := lesson.Parse(name, data)
		if err != nil {
			return err
		}
		all = append(all, ls...)
	}
	a, err := c.open(ctx, env, stderr, "请先停止它再导入")
	if err != nil {
		return err
	}
	defer a.Close()
	if err := lesson.NewRepo(a.Store).Import(ctx, all); err != nil {
		return err
	}
	q := 0
	for _, l := range all {
		q += len(l.Questions)
	}
	fmt.Fprintf(stdout, "已导入 %d 节课程、%d 道题目\n", len(all), q)
	return nil
}
