package kpi

import "testing"

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 12345.4: "12,345", 12345.5: "12,346",
		1234567: "1,234,567", -1234: "-1,234", -0.4: "0",
	} {
		if got := Thousands(v); got != want {
			t.Errorf("Thousands(%v) = %q, want %q", v, got, want)
		}
	}
}
