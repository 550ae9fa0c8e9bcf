package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadErrorsAreChineseAndNameTheLine(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ yaml, want string }{
		{"timezon: Asia/Shanghai\n", `第 1 行：没有配置项 "timezon"`},
		{"bot:\n  workers: many\n", `第 2 行："many" 是文字，这里应为整数`},
		{"teams: [\n", "第 1 行 YAML 语法错误"},
		{"targets:\n  agent: {satisfaction_min: 90}\n", "targets.agent.satisfaction_min: 比例应写成 0 到 1 之间的小数"},
		{"teams:\n  - id: t1\n    name: 售前组\n    members:\n      - {id: a, name: 小王}\n      - {id: a, name: 小王}\n", `成员 "a" 在团队 "t1" 里出现了两次`},
		{"teams:\n  - id: t1\n    name: 售前组\n    members:\n      - {id: a, name: 小王, mentor: nobody}\n", `师傅 "nobody" 不是任何团队的成员`},
	}
	for i, c := range cases {
		path := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(path, []byte(c.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want it to contain %q", i, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "not found in type") || strings.Contains(err.Error(), "cannot unmarshal")) {
			t.Errorf("case %d: English leaks: %v", i, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "找不到配置文件") {
		t.Errorf("missing file: %v", err)
	}
}
