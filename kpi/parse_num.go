package kpi

import (
	"math"
	"strconv"
	"strings"
)

// Value parsing is on the import hot path: the functions here take the cell
// string as is, never allocate in the common cases and use no regular
// expressions.

// cellState is the outcome of parsing one cell.
type cellState uint8

const (
	cellEmpty cellState = iota // blank, "-", "--" and friends
	cellOK
	cellBad
)

// pow10 holds the exactly representable powers of ten.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// trimCell removes ASCII spaces, the ideographic space, NBSP and a leading
// apostrophe (Excel's text marker).
func trimCell(s string) string {
	for len(s) > 0 {
		switch {
		case s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n' || s[0] == '\'':
			s = s[1:]
		case strings.HasPrefix(s, "\u3000"):
			s = s[3:]
		case strings.HasPrefix(s, "\u00a0"):
			s = s[2:]
		default:
			goto right
		}
	}
right:
	for len(s) > 0 {
		switch n := len(s); {
		case s[n-1] == ' ' || s[n-1] == '\t' || s[n-1] == '\r' || s[n-1] == '\n':
			s = s[:n-1]
		case strings.HasSuffix(s, "\u3000"):
			s = s[:n-3]
		case strings.HasSuffix(s, "\u00a0"):
			s = s[:n-2]
		default:
			return s
		}
	}
	return s
}

// isEmptyMarker reports whether a trimmed cell means "no figure".
func isEmptyMarker(s string) bool {
	switch s {
	case "", "-", "--", "---", "—", "——", "－", "/", "N/A", "n/a", "NA", "null", "NULL", "None", "无", "暂无", "#N/A", "#DIV/0!":
		return true
	}
	return false
}

// numParts is a cleaned number: its digits as an integer mantissa and the count
// of decimal places, plus the decorations found around it.
type numParts struct {
	mant    uint64
	scale   int  // decimal places
	neg     bool // leading minus
	pct     bool // trailing % or ％
	wan     bool // trailing 万 (×10 000)
	precise bool // mantissa fits in 53 bits and scale <= 22
}

// splitNumber strips currency signs, units and thousands separators and reads
// the digits. It returns cellEmpty for empty markers.
func splitNumber(s string) (numParts, cellState) {
	var p numParts
	s = trimCell(s)
	if isEmptyMarker(s) {
		return p, cellEmpty
	}
	// Prefixes.
	for {
		switch {
		case strings.HasPrefix(s, "¥"):
			s = s[len("¥"):]
		case strings.HasPrefix(s, "￥"):
			s = s[len("￥"):]
		case strings.HasPrefix(s, "+"):
			s = s[1:]
		case strings.HasPrefix(s, "-") && !p.neg:
			p.neg = true
			s = s[1:]
		default:
			goto suffix
		}
	}
suffix:
	for {
		switch {
		case strings.HasSuffix(s, "%"):
			p.pct = true
			s = s[:len(s)-1]
		case strings.HasSuffix(s, "％"):
			p.pct = true
			s = s[:len(s)-len("％")]
		case strings.HasSuffix(s, "万元"):
			p.wan = true
			s = s[:len(s)-len("万元")]
		case strings.HasSuffix(s, "万"):
			p.wan = true
			s = s[:len(s)-len("万")]
		case strings.HasSuffix(s, "元"):
			s = s[:len(s)-len("元")]
		case strings.HasSuffix(s, "人"), strings.HasSuffix(s, "次"), strings.HasSuffix(s, "个"),
			strings.HasSuffix(s, "单"), strings.HasSuffix(s, "笔"):
			s = s[:len(s)-3]
		case strings.HasSuffix(s, " "):
			s = s[:len(s)-1]
		default:
			goto digits
		}
	}
digits:
	if s == "" {
		return p, cellBad
	}
	seenDot, nd, sig := false, 0, 0
	p.precise = true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			nd++
			if sig == 0 && c == '0' {
				if seenDot {
					p.scale++
				}
				continue
			}
			sig++
			if sig > 19 {
				p.precise = false
				continue
			}
			p.mant = p.mant*10 + uint64(c-'0')
			if seenDot {
				p.scale++
			}
		case c == ',' && !seenDot && i > 0:
			// thousands separator
		case c == '.' && !seenDot:
			seenDot = true
		case c == 'e' || c == 'E':
			return parseSci(p, s)
		default:
			return p, cellBad
		}
	}
	if nd == 0 {
		return p, cellBad
	}
	if p.mant >= 1<<53 || p.scale > 22 {
		p.precise = false
	}
	if !p.precise {
		return parseSci(p, s)
	}
	return p, cellOK
}

// parseSci handles the rare numbers splitNumber cannot hold exactly
// (exponents, very long digit strings) with strconv, storing the value as a
// float in a mantissa-free form.
func parseSci(p numParts, s string) (numParts, cellState) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return p, cellBad
	}
	p.precise = false
	p.mant = math.Float64bits(v)
	p.scale = 0
	return p, cellOK
}

// float returns the value as float64, correctly rounded.
func (p numParts) float() float64 {
	var v float64
	if p.precise {
		v = float64(p.mant) / pow10[p.scale]
	} else {
		v = math.Float64frombits(p.mant)
	}
	if p.wan {
		v *= 1e4
	}
	if p.neg {
		v = -v
	}
	return v
}

// parseNumber reads a plain number: "1,234.5", "1234元", "1.2万". A trailing %
// is not allowed.
func parseNumber(s string) (float64, cellState) {
	p, st := splitNumber(s)
	if st != cellOK {
		return 0, st
	}
	if p.pct {
		return 0, cellBad
	}
	return p.float(), cellOK
}

// parseCount reads a non-negative count.
func parseCount(s string) (float64, cellState) {
	v, st := parseNumber(s)
	if st == cellOK && v < 0 {
		return 0, cellBad
	}
	return v, st
}

// parseRate reads a rate as a fraction: "95.2%" and "95.2" give 0.952, "0.952"
// gives 0.952. A bare number above 1 is taken as a percentage, so a bare 1 is
// 100% and a bare 0.5 is 50%.
func parseRate(s string) (float64, cellState) {
	p, st := splitNumber(s)
	if st != cellOK {
		return 0, st
	}
	if p.neg || p.wan {
		return 0, cellBad
	}
	v := p.float()
	if p.pct || v > 1 {
		v /= 100
	}
	return v, cellOK
}

// parseMoneyFen reads an amount of money in yuan and returns fen, exactly
// for up to two decimals and rounded half away from zero beyond that:
// "1,234.50", "1234.5元", "¥99", "1.2万".
func parseMoneyFen(s string) (int64, cellState) {
	p, st := splitNumber(s)
	if st != cellOK {
		return 0, st
	}
	if p.pct {
		return 0, cellBad
	}
	var fen int64
	switch {
	case p.precise && !p.wan && p.scale <= 2 && p.mant < math.MaxInt64/100:
		fen = int64(p.mant)
		for i := p.scale; i < 2; i++ {
			fen *= 10
		}
	default:
		f := math.Abs(p.float()) * 100
		if f > math.MaxInt64/2 {
			return 0, cellBad
		}
		fen = int64(math.Round(f))
	}
	if p.neg {
		fen = -fen
	}
	return fen, cellOK
}
