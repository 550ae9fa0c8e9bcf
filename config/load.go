package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// EnvPrefix starts every environment override: key a.b_c is BANZU_A_B_C.
const EnvPrefix = "BANZU_"

// Load reads the YAML file at path (none when path is empty), applies
// environment overrides from env (os.Environ form) and validates the result.
func Load(path string, env []string) (*Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, describeReadError(path, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("配置文件 %s：%s", path, describeYAMLError(err))
		}
	}
	if err := ApplyEnv(cfg, env); err != nil {
		return nil, err
	}
	if cfg.Schedules == nil {
		cfg.Schedules = map[string]string{}
	}
	if cfg.DingTalk.RobotCode == "" {
		// An internal app robot's robotCode is its AppKey (DingTalk's SDKs
		// use the client id).
		cfg.DingTalk.RobotCode = cfg.DingTalk.ClientID
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Leaf is one scalar option: its dotted key and its place in the struct.
type Leaf struct {
	Key    string
	Secret bool
	value  reflect.Value
}

// EnvName is the environment variable that overrides the leaf.
func (l Leaf) EnvName() string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(l.Key, ".", "_"))
}

// Leaves lists every scalar option of cfg (lists of teams are file-only).
func Leaves(cfg *Config) []Leaf {
	var out []Leaf
	walk(reflect.ValueOf(cfg).Elem(), "", false, &out)
	return out
}

func walk(v reflect.Value, prefix string, secret bool, out *[]Leaf) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		fv := v.Field(i)
		sec := secret || f.Tag.Get("secret") == "true"
		switch fv.Kind() {
		case reflect.Struct:
			walk(fv, key, sec, out)
		case reflect.String, reflect.Int, reflect.Bool:
			*out = append(*out, Leaf{Key: key, Secret: sec, value: fv})
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.String {
				*out = append(*out, Leaf{Key: key, Secret: sec, value: fv})
			}
		}
	}
}

// ApplyEnv sets every option whose BANZU_* variable is present in env.
func ApplyEnv(cfg *Config, env []string) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, EnvPrefix) {
			vars[k] = v
		}
	}
	for _, l := range Leaves(cfg) {
		raw, ok := vars[l.EnvName()]
		if !ok {
			continue
		}
		if err := l.set(raw); err != nil {
			return fmt.Errorf("环境变量 %s（配置项 %s）: %w", l.EnvName(), l.Key, err)
		}
	}
	return nil
}

func (l Leaf) set(raw string) error {
	switch l.value.Kind() {
	case reflect.String:
		l.value.SetString(raw)
	case reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("应为整数，得到 %q", raw)
		}
		l.value.SetInt(int64(n))
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("应为 true 或 false，得到 %q", raw)
		}
		l.value.SetBool(b)
	case reflect.Slice:
		var parts []string
		for _, p := range strings.Split(raw, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		l.value.Set(reflect.ValueOf(parts))
	}
	return nil
}
