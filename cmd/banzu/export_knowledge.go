package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/knowledge"
)

func init() {
	registerExport("knowledge", kind{"导出团队知识库：标准问题、相似问题、答案、分类、状态、贡献者、更新时间（AI 客服机器人可直接导入）", exportKnowledge})
}

// exportKnowledge is `banzu export knowledge [--team T] [--format xlsx|csv] [-o FILE]`.
func exportKnowledge(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("export knowledge", stderr)
	team := fs.String("team", "", "只导出这个团队（团队 id 或名称），默认所有团队")
	format := fs.String("format", "", "xlsx 或 csv，默认按 -o 的扩展名，否则 xlsx")
	out := fs.String("o", "", "输出文件；csv 默认写到标准输出，xlsx 默认 knowledge-日期.xlsx")
	retired := fs.Bool("include-retired", false, "同时导出已下线的条目（状态为“停用”），便于机器人同步停用")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	f, err := fileFormat(*format, *out, "xlsx", "xlsx", "csv")
	if err != nil {
		return err
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	teams, err := exportTeams(cfg, *team)
	if err != nil {
		return err
	}
	if f == "csv" && len(teams) > 1 {
		return fmt.Errorf("CSV 只能放一个团队的知识，请用 --team 选择（可用：%s），或导出 xlsx（每个团队一张表）", teamIDs(cfg.Teams))
	}
	// Through the app, as banzu report does, so --demo seeds the demo
	// company's knowledge base into a fresh data directory first.
	a, err := c.openApp(ctx, cfg, stderr, "请先停止它再导出", true, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.KnowledgeService()
	var sheets []knowledge.Sheet
	total := 0
	for _, t := range teams {
		entries, err := svc.Entries(ctx, t.ID, knowledge.Approved, knowledge.Retired)
		if err != nil {
			return fmt.Errorf("读取 %s 的知识库失败: %w", t.Name, err)
		}
		rows := knowledge.ExportRows(entries, *retired, cfg.Location())
		total += len(rows)
		sheets = append(sheets, knowledge.Sheet{Name: t.Name, Rows: rows})
	}
	var buf bytes.Buffer
	if f == "csv" {
		err = knowledge.WriteCSV(&buf, sheets[0].Rows)
	} else {
		err = knowledge.WriteXLSX(&buf, sheets)
	}
	if err != nil {
		return err
	}
	path := *out
	if path == "" && f == "xlsx" {
		path = "knowledge-" + time.Now().In(cfg.Location()).Format("20060102") + ".xlsx"
	}
	if path == "" || path == "-" {
		_, err = stdout.Write(buf.Bytes())
		fmt.Fprintf(stderr, "已导出 %d 条知识\n", total)
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("写入 %s 失败: %w", path, err)
	}
	fmt.Fprintf(stdout, "已导出 %d 条知识到 %s\n", total, path)
	return nil
}

// exportTeams picks the teams to export: all, or the one named by id or name.
func exportTeams(cfg *config.Config, want string) ([]config.Team, error) {
	if len(cfg.Teams) == 0 {
		return nil, fmt.Errorf("还没有配置团队（teams）：用 --demo 或在配置文件中添加团队")
	}
	if want == "" {
		return cfg.Teams, nil
	}
	for _, t := range cfg.Teams {
		if t.ID == want || t.Name == want {
			return []config.Team{t}, nil
		}
	}
	return nil, fmt.Errorf("没有团队 %q（可用：%s）", want, teamIDs(cfg.Teams))
}

func teamIDs(teams []config.Team) string {
	var ids []string
	for _, t := range teams {
		ids = append(ids, t.ID)
	}
	return strings.Join(ids, "、")
}
