package main

import "testing"

func TestFileFormat(t *testing.T) {
	cases := []struct{ format, out, def, want string }{
		{"", "", "xlsx", "xlsx"},
		{"", "kb.csv", "xlsx", "csv"},
		{"", "bank.YML", "xlsx", "yaml"},
		{"CSV", "kb.xlsx", "xlsx", "csv"},
		{"", "kb.txt", "yaml", "yaml"},
	}
	for _, c := range cases {
		got, err := fileFormat(c.format, c.out, c.def, "xlsx", "csv", "yaml")
		if err != nil || got != c.want {
			t.Errorf("fileFormat(%q, %q) = %q, %v; want %q", c.format, c.out, got, err, c.want)
		}
	}
	if _, err := fileFormat("pdf", "", "xlsx", "xlsx", "csv"); err == nil {
		t.Error("an unknown format must be refused")
	}
}
