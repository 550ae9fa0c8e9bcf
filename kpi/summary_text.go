package kpi

import (
	"fmt"
	"sort"
	"strings"
)

// maxUnknownShown bounds the unknown accounts named in a summary text.
const maxUnknownShown = 20

// FormatSummary renders an import's summary for people (the CLI and the
// API's "text"), in Simplified Chinese, one fact per line. dryRun says the
// records were not written.
func FormatSummary(s *Summary, dryRun bool) string {
	var b strings.Builder
	title := s.File
	if s.PresetLabel != "" {
		title += "（" + s.PresetLabel
		if s.Format != "" {
			title += "，" + s.Format
		}
		if s.Sheet != "" {
			title += "，工作表“" + s.Sheet + "”"
		}
		if s.HeaderRow > 0 {
			title += fmt.Sprintf("，表头在第 %d 行", s.HeaderRow)
		}
		title += "）"
	}
	b.WriteString(title)
	b.WriteString("\n")

	fmt.Fprintf(&b, "  读取 %d 行，导入 %d 行，跳过 %d 行", s.RowsRead, s.Imported, s.SkippedRows())
	if s.ErrorRows > 0 {
		fmt.Fprintf(&b, "，%d 行数值有误", s.ErrorRows)
	}
	b.WriteString("\n")
	if s.Imported > 0 {
		verb := "写入"
		if dryRun {
			verb = "将写入"
		}
		n := s.Records
		fmt.Fprintf(&b, "  %s %d 条客服日数据，日期 %s 至 %s（%d 天），团队 %s\n", verb, n, s.From, s.To, s.Days, s.Team)
	}
	if dryRun {
		b.WriteString("  试运行：只检查了文件，没有写入任何数据。\n")
	}
	if skipped := s.skippedText(); skipped != "" {
		b.WriteString("  跳过原因：" + skipped + "\n")
	}
	if len(s.Unknown) > 0 {
		count := fmt.Sprint(len(s.Unknown))
		if len(s.Unknown) >= maxUnknownNames {
			count = "至少 " + count // only that many names are kept
		}
		fmt.Fprintf(&b, "  未知客服 %s 个（共 %d 行未导入）：", count, s.Skipped[SkipUnknownAgent])
		for i, u := range s.Unknown {
			if i == maxUnknownShown {
				fmt.Fprintf(&b, "……等 %s 个", count)
				break
			}
			if i > 0 {
				b.WriteString("、")
			}
			fmt.Fprintf(&b, "%s（%d 行）", u.Name, u.Rows)
		}
		b.WriteString("\n")
		example := s.Unknown[0].Name
		fmt.Fprintf(&b, "  提示：如果这些是团队成员的店铺账号，请在配置文件 teams 里团队 %s 的对应成员下添加别名，例如 aliases: [\"%s\"]（分店铺的子账号可写成 \"店铺:名字\"），然后重新导入这个文件。\n",
			s.Team, example)
	}
	if len(s.Unmapped) > 0 {
		fmt.Fprintf(&b, "  未识别的列（已忽略）：%s；如需导入，可在配置 kpi.mappings 中添加列映射。\n", strings.Join(s.Unmapped, "、"))
	}
	if s.ErrorCount > 0 {
		fmt.Fprintf(&b, "  有 %d 处数值无法识别，未导入任何数据：\n", s.ErrorCount)
		for _, e := range s.Errors {
			b.WriteString("    " + e.Msg + "\n")
		}
		if s.ErrorCount > len(s.Errors) {
			fmt.Fprintf(&b, "    ……另有 %d 处未列出\n", s.ErrorCount-len(s.Errors))
		}
	}
	return b.String()
}

// skippedText lists the skip reasons with their counts, most first.
func (s *Summary) skippedText() string {
	type kv struct {
		reason string
		n      int
	}
	var list []kv
	for r, n := range s.Skipped {
		if n > 0 {
			list = append(list, kv{r, n})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].reason < list[j].reason
	})
	parts := make([]string, len(list))
	for i, x := range list {
		parts[i] = fmt.Sprintf("%s %d 行", x.reason, x.n)
	}
	return strings.Join(parts, "、")
}
