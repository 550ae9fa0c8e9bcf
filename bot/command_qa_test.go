package bot

import "testing"

func TestParseCommandFoldsFullWidthName(t *testing.T) {
	for _, in := range []string{"/ｋｐｉ ｔｅａｍ", "／ＫＰＩ　ｔｅａｍ", "/kpi ｔｅａｍ"} {
		name, args, _, ok := ParseCommand(in)
		if !ok || name != "kpi" && name != "KPI" || len(args) != 1 {
			t.Errorf("ParseCommand(%q) = %q %q %v", in, name, args, ok)
		}
	}
	// Arguments keep their width: handlers decide (＃标签, ｜ separators).
	if _, args, _, _ := ParseCommand("/kpi ｔｅａｍ"); args[0] != "ｔｅａｍ" {
		t.Errorf("args folded: %q", args)
	}
	if got := FoldWidth("２０２６－１０　小王"); got != "2026-10 小王" {
		t.Errorf("FoldWidth = %q", got)
	}
}

func TestClosestForSuggestsOnlyUsableCommands(t *testing.T) {
	c := NewCommands()
	c.Add(&Command{Name: "role", Role: RoleManager}, &Command{Name: "roster", Role: RoleSupervisor},
		&Command{Name: "kpi", Role: RoleAgent})
	if got := c.ClosestFor("rolee", RoleManager); got != "role" {
		t.Errorf("manager: %q", got)
	}
	if got := c.ClosestFor("rolee", RoleAgent); got == "role" || got == "roster" {
		t.Errorf("agent is offered %q", got)
	}
	if got := c.Closest("rolee"); got != "role" {
		t.Errorf("Closest: %q", got)
	}
}
