package app

import "testing"

func TestAccessOfPaths(t *testing.T) {
	a := &App{access: map[string]access{
		"/healthz":     accessOpen,
		"/hooks/wx":    accessSigned,
		"/hooks/dd/":   accessSigned,
		"/api/v1/kpi/": accessAPI,
	}}
	for path, want := range map[string]access{
		"/healthz":        accessOpen,
		"/healthz/x":      accessConsole,
		"/hooks/wx":       accessSigned,
		"/hooks/wx/x":     accessConsole,
		"/hooks/dd/":      accessSigned,
		"/hooks/dd/robot": accessSigned,
		"/hooks/d":        accessConsole,
		"/api/v1/nothing": accessAPI,
		"/wecom/aibot":    accessConsole,
		"/":               accessConsole,
	} {
		if got := a.accessOf(path); got != want {
			t.Errorf("%s: %d, want %d", path, got, want)
		}
	}
}
