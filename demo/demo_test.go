package demo

import (
	"strings"
	"testing"
)

func names(ss []Seeder) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return strings.Join(out, " ")
}

func TestOrder(t *testing.T) {
	got, err := Order([]Seeder{
		{Name: "welcome"},
		{Name: "awards", After: []string{"kpi", "knowledge", "absent"}},
		{Name: "knowledge"},
		{Name: "kpi"},
		{Name: "lessons"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "welcome knowledge kpi awards lessons"; names(got) != want {
		t.Errorf("order %q, want %q", names(got), want)
	}
	if _, err := Order([]Seeder{{Name: "a", After: []string{"b"}}, {Name: "b", After: []string{"a"}}, {Name: "c"}}); err == nil || !strings.Contains(err.Error(), "a b") {
		t.Errorf("a cycle: %v", err)
	}
}
