package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/lesson"
)

func TestLessonsImportExport(t *testing.T) {
	dir := t.TempDir()
	env := []string{"BANZU_DATA_DIR=" + dir}
	xlsx := filepath.Join(dir, "bank.xlsx")
	n := len(lesson.Starter().Lessons)
	code, out, errOut := runCLI(t, env, "export", "lessons", "-o", xlsx)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("已导出 %d 节课程", n)) {
		t.Fatalf("export xlsx: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, env, "import", "lessons", xlsx); code != 0 || !strings.Contains(out, fmt.Sprintf("已导入 %d 节课程", n)) {
		t.Fatalf("re-import the export: %d %q %q", code, out, errOut)
	}

	good := filepath.Join(dir, "new.yaml")
	os.WriteFile(good, []byte(`lessons:
  - id: X01
    topic: 赠品规则
    category: 平台规则
    knowledge: 赠品随主商品发出。
    case: 顾客要单独退赠品。
    prompt: 怎么回复？
    questions:
      - {id: X01-1, type: 判断, text: 赠品可以单独折现。, answer: [错], explanation: 赠品不折现。}
`), 0o644)
	if code, out, errOut := runCLI(t, env, "import", "lessons", good); code != 0 || !strings.Contains(out, "1 节课程、1 道题目") {
		t.Fatalf("import yaml: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "export", "lessons")
	if code != 0 || !strings.Contains(out, "赠品规则") || !strings.Contains(out, "运费险") {
		t.Errorf("yaml export should hold the starter and the imported lesson")
	}

	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`lessons:
  - id: X02
    topic: 坏课程
    category: 平台规则
    knowledge: k
    case: c
    prompt: p
    questions:
      - {id: X02-1, type: single, text: 题, options: [甲, 乙], answer: [C], explanation: e}
      - {id: X02-2, type: essay, text: 题, answer: [x], explanation: e}
`), 0o644)
	code, _, errOut = runCLI(t, env, "import", "lessons", bad)
	if code != 1 || !strings.Contains(errOut, "第 9 行") || !strings.Contains(errOut, "不是有效选项") || !strings.Contains(errOut, "第 10 行") || !strings.Contains(errOut, "essay") {
		t.Errorf("bad yaml: %d %q", code, errOut)
	}
	code, out, _ = runCLI(t, env, "export", "lessons")
	if strings.Contains(out, "坏课程") {
		t.Error("a failed import must change nothing")
	}
	if code, _, errOut := runCLI(t, env, "export", "lessons", "--format", "csv", "-o", "x.csv"); code != 1 || !strings.Contains(errOut, "yaml 或 xlsx") {
		t.Errorf("bad format: %d %q", code, errOut)
	}
}
