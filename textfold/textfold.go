// Package textfold turns what Chinese input methods type in full-width mode
// (ｋｐｉ, ２０２６－１０, ／help, the ideographic space) into plain ASCII, so
// that commands, periods and searches read the same either way.
package textfold

import "strings"

// Rune maps full-width ASCII (U+FF01 to U+FF5E) to its half-width form and
// the ideographic space to a space; any other rune is returned as it is.
func Rune(r rune) rune {
	switch {
	case r == '\u3000':
		return ' '
	case r >= '！' && r <= '～':
		return r - 0xFEE0
	}
	return r
}

// Width folds every rune of s with Rune. It returns s itself when nothing
// needs folding.
func Width(s string) string {
	if !strings.ContainsFunc(s, isFullWidth) {
		return s
	}
	return strings.Map(Rune, s)
}

func isFullWidth(r rune) bool { return r >= '！' && r <= '～' || r == '\u3000' }
