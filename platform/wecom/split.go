package wecom

import (
	"strings"
	"unicode/utf8"
)

// splitLines cuts s into parts of at most limit bytes (limit >= 4), each part
// to be sent as its own message. It cuts after the last newline that fits and
// drops that newline (and blank lines at either end of a part); a single line longer than limit is cut at a rune
// boundary, so no UTF-8 sequence is ever split. Blank parts are dropped (WeCom
// rejects empty content). A markdown block spanning a cut is not repaired.
func splitLines(s string, limit int) []string {
	var parts []string
	add := func(part string) {
		part = strings.Trim(part, "\r\n")
		if strings.TrimSpace(part) != "" {
			parts = append(parts, part)
		}
	}
	for len(s) > limit {
		cut := strings.LastIndexByte(s[:limit+1], '\n')
		if cut >= 0 {
			add(s[:cut])
			s = s[cut+1:]
			continue
		}
		cut = limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		add(s[:cut])
		s = s[cut:]
	}
	add(s)
	return parts
}
