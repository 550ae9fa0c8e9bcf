package kpi

import (
	"math"
	"strconv"
	"strings"
)

// Thousands renders a figure rounded to a whole number with thousands
// separators: 12345.4 as "12,345". Chat messages and titles show counts and
// yuan this way.
func Thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
