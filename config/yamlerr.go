package config

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type \S+$`)
	reBadType      = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
	reSyntax       = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	reLine         = regexp.MustCompile(`^line (\d+): (.*)$`)
)

// yamlKinds names YAML and Go types for people.
var yamlKinds = map[string]string{
	"str": "文字", "int": "整数", "float": "数字", "bool": "true/false", "seq": "列表", "map": "键值表",
	"string": "文字", "float64": "数字", "[]string": "文字列表",
}

func kindName(k string) string {
	if n, ok := yamlKinds[k]; ok {
		return n
	}
	if strings.HasPrefix(k, "[]") {
		return "列表"
	}
	if strings.HasPrefix(k, "map[") || strings.HasPrefix(k, "config.") {
		return "键值表"
	}
	return k
}

// describeYAMLError turns yaml.v3's English errors into Chinese lines that
// name the line and say what is wrong.
func describeYAMLError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines := make([]string, 0, len(te.Errors))
		for _, e := range te.Errors {
			switch {
			case reUnknownField.MatchString(e):
				m := reUnknownField.FindStringSubmatch(e)
				lines = append(lines, fmt.Sprintf("第 %s 行：没有配置项 %q（拼写或缩进错了？）", m[1], m[2]))
			case reBadType.MatchString(e):
				m := reBadType.FindStringSubmatch(e)
				lines = append(lines, fmt.Sprintf("第 %s 行：%q 是%s，这里应为%s", m[1], m[3], kindName(m[2]), kindName(m[4])))
			case reLine.MatchString(e):
				m := reLine.FindStringSubmatch(e)
				lines = append(lines, fmt.Sprintf("第 %s 行：%s", m[1], m[2]))
			default:
				lines = append(lines, e)
			}
		}
		return strings.Join(lines, "；")
	}
	msg := err.Error()
	if m := reSyntax.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("第 %s 行 YAML 语法错误（检查缩进、冒号后的空格和引号）：%s", m[1], m[2])
	}
	return "YAML 格式错误：" + strings.TrimPrefix(msg, "yaml: ")
}

// describeReadError explains why a config file could not be read.
func describeReadError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("找不到配置文件 %s（--config 或 BANZU_CONFIG 指定的路径）", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("没有权限读取配置文件 %s", path)
	}
	return fmt.Errorf("读取配置文件 %s 失败：%v", path, err)
}
