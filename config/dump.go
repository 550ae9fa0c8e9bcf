package config

import (
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Redacted is what a secret looks like in a dump.
const Redacted = "******"

// Dump renders the configuration as YAML with every secret replaced by
// Redacted (empty secrets stay empty so a reader sees what is unset).
func Dump(c *Config) ([]byte, error) {
	cp := *c
	cp.Teams = make([]Team, len(c.Teams))
	copy(cp.Teams, c.Teams)
	redact(reflect.ValueOf(&cp).Elem())
	return yaml.Marshal(&cp)
}

func redact(v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		if f.Tag.Get("secret") == "true" && fv.Kind() == reflect.String {
			if fv.String() != "" {
				fv.SetString(redactString(f.Name, fv.String()))
			}
			continue
		}
		switch fv.Kind() {
		case reflect.Struct:
			redact(fv)
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.Struct {
				cp := reflect.MakeSlice(fv.Type(), fv.Len(), fv.Len())
				reflect.Copy(cp, fv)
				for j := 0; j < cp.Len(); j++ {
					redact(cp.Index(j))
				}
				fv.Set(cp)
			}
		}
	}
}

// redactString hides a secret; a Redis URL keeps its host so the dump still
// says where the store is.
func redactString(field, s string) string {
	if field == "URL" && !strings.Contains(s, "@") && !strings.Contains(strings.ToLower(s), "password") {
		return s // no credentials in it
	}
	if field == "URL" && strings.Contains(s, "@") {
		scheme, rest, _ := strings.Cut(s, "://")
		_, host, _ := strings.Cut(rest, "@")
		return scheme + "://" + Redacted + "@" + host
	}
	return Redacted
}
