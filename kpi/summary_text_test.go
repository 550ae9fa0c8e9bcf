package kpi

import (
	"fmt"
	"strings"
	"testing"
)

func TestFormatSummary(t *testing.T) {
	s := &Summary{File: "a.csv", Format: "GBK", PresetLabel: "赤兔/千牛", HeaderRow: 3, Team: "presale",
		RowsRead: 12, Imported: 8, Records: 6, From: "2026-10-01", To: "2026-10-02", Days: 2,
		Skipped:  map[string]int{SkipSummary: 1, SkipUnknownAgent: 3},
		Unknown:  []UnknownAgent{{"张三", 2}, {"李四", 1}},
		Unmapped: []string{"备注"}}
	got := FormatSummary(s, false)
	for _, want := range []string{
		"a.csv（赤兔/千牛，GBK，表头在第 3 行）\n",
		"  读取 12 行，导入 8 行，跳过 4 行\n",
		"  写入 6 条客服日数据，日期 2026-10-01 至 2026-10-02（2 天），团队 presale\n",
		"  跳过原因：未知客服 3 行、汇总行 1 行\n",
		"  未知客服 2 个（共 3 行未导入）：张三（2 行）、李四（1 行）\n",
		`aliases: ["张三"]`,
		"  未识别的列（已忽略）：备注；",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "试运行") || !strings.Contains(FormatSummary(s, true), "将写入 6 条") {
		t.Errorf("dry-run wording wrong")
	}

	// Past the kept names, the count says "at least" and the rows stay exact.
	s.Unknown = nil
	for i := range maxUnknownNames {
		s.Unknown = append(s.Unknown, UnknownAgent{fmt.Sprintf("u%d", i), 1})
	}
	s.Skipped[SkipUnknownAgent] = 3226
	got = FormatSummary(s, false)
	if !strings.Contains(got, "未知客服 至少 1000 个（共 3226 行未导入）") || !strings.Contains(got, "……等 至少 1000 个") ||
		strings.Count(got, "（1 行）") != maxUnknownShown {
		t.Errorf("many unknown agents:\n%s", got)
	}
}
