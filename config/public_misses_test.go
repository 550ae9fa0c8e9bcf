package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// public_misses is a team's opt-in to naming KPI misses in the group: off
// unless set, and only true or false.
func TestTeamPublicMisses(t *testing.T) {
	load := func(body string) (*Config, error) {
		path := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return Load(path, nil)
	}
	team := "teams:\n  - id: a\n    name: A\n    members: [{id: m, name: M}]\n"
	cfg, err := load(team)
	if err != nil || cfg.Teams[0].PublicMisses {
		t.Errorf("default: %v, public_misses %v", err, cfg != nil && cfg.Teams[0].PublicMisses)
	}
	cfg, err = load(team + "    public_misses: true\n")
	if err != nil || !cfg.Teams[0].PublicMisses {
		t.Errorf("opted in: %v", err)
	}
	if _, err := load(team + "    public_misses: 公开\n"); err == nil || !strings.Contains(err.Error(), "第 5 行") || !strings.Contains(err.Error(), "true/false") {
		t.Errorf("a value that is not true/false: %v", err)
	}
}
