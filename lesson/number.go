package lesson

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// A fill-in answer that is a number may be written in digits or Chinese
// numerals and with the unit the question asks for: where 7 is expected,
// "7", "７", "七", "7日", "七天" and "7天内" are right when the blank is
// followed by 日 or 天, "7小时" is not.

// unitGroups are units that mean the same; a question's unit accepts any
// member of its group.
var unitGroups = [][]string{
	{"日", "天", "自然日", "个自然日"},
	{"工作日", "个工作日"},
	{"小时", "个小时", "钟头", "个钟头", "h"},
	{"分钟", "min"},
	{"秒", "秒钟", "s"},
	{"周", "个星期", "星期", "个周"},
	{"个月", "月"},
	{"年", "周年"},
	{"元", "块", "块钱", "元钱"},
	{"万元", "万"},
	{"点", "点钟", "时"},
	{"岁", "周岁"},
	{"%"},
	{"分"},
	{"个"},
	{"位"},
	{"次"},
	{"条"},
	{"件"},
	{"倍"},
	{"项"},
	{"单"},
	{"步"},
}

// unitGroup finds the group of a unit written exactly, or -1.
func unitGroup(u string) int {
	for i, g := range unitGroups {
		for _, m := range g {
			if u == m {
				return i
			}
		}
	}
	return -1
}

// leadingUnit finds the group of the unit s starts with (longest match), or -1.
func leadingUnit(s string) int {
	best, bestLen := -1, 0
	for i, g := range unitGroups {
		for _, m := range g {
			if len(m) > bestLen && strings.HasPrefix(s, m) {
				// A one-letter unit must not be the start of a word ("s" of "sku").
				if len(m) == 1 && m[0] < 0x80 && m != "%" && len(s) > 1 && isLetter(s[1]) {
					continue
				}
				best, bestLen = i, len(m)
			}
		}
	}
	return best
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// askedUnit is the unit group a fill-in question asks its number in: the
// unit right after the blank ("____ 日内" asks 日), or after 多少 or 几
// ("多少小时"). -1 when the question names none.
func askedUnit(q *Question) int {
	text := strings.ToLower(width.Fold.String(q.Text))
	if i := strings.Index(text, "__"); i >= 0 {
		rest := strings.TrimLeft(text[i:], "_")
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if g := leadingUnit(rest); g >= 0 {
			return g
		}
	}
	for _, w := range []string{"多少", "几"} {
		for rest := text; ; {
			i := strings.Index(rest, w)
			if i < 0 {
				break
			}
			rest = strings.TrimLeftFunc(rest[i+len(w):], unicode.IsSpace)
			if g := leadingUnit(rest); g >= 0 {
				return g
			}
		}
	}
	return -1
}

// numberMatches reports whether a typed fill-in answer is one of q's
// numeric answers, written with other digits or with q's unit.
func numberMatches(q *Question, text string) bool {
	got, gotUnit, ok := splitNumber(text)
	if !ok {
		return false
	}
	gotGroup := -1
	if gotUnit != "" {
		if gotGroup = unitGroup(gotUnit); gotGroup < 0 {
			return false
		}
	}
	asked := askedUnit(q)
	for _, a := range q.Answer {
		want, wantUnit, ok := splitNumber(a)
		if !ok || want != got {
			continue
		}
		wantGroup := -1
		if wantUnit != "" {
			if wantGroup = unitGroup(wantUnit); wantGroup < 0 {
				continue // "3C" is a name, not a number with a unit
			}
		}
		switch {
		case gotGroup < 0 && wantGroup < 0:
			return true
		case gotGroup < 0:
			return true // "2" where "两个" is written out
		case wantGroup >= 0:
			if gotGroup == wantGroup {
				return true
			}
		case gotGroup == asked:
			return true
		}
	}
	return false
}

// splitNumber reads a number at the start of a fill-in answer and the unit
// after it: "7日" → "7", "日"; "七十二小时" → "72", "小时"; "百分之二十" →
// "20", "%"; "48小时内" → "48", "小时". The number comes back in canonical
// digits; ok is false when the answer does not start with a number.
func splitNumber(s string) (num, unit string, ok bool) {
	s = strings.ToLower(width.Fold.String(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) && r != '%' })
	percent := false
	if rest, found := strings.CutPrefix(s, "百分之"); found {
		s, percent = rest, true
	}
	rs := []rune(s)
	i := 0
	switch {
	case i < len(rs) && rs[i] >= '0' && rs[i] <= '9':
		for i < len(rs) && (rs[i] >= '0' && rs[i] <= '9' || rs[i] == '.' && i+1 < len(rs) && rs[i+1] >= '0' && rs[i+1] <= '9') {
			i++
		}
		f, err := strconv.ParseFloat(string(rs[:i]), 64)
		if err != nil {
			return "", "", false
		}
		num = strconv.FormatFloat(f, 'f', -1, 64)
	default:
		for i < len(rs) && strings.ContainsRune(chineseDigits, rs[i]) {
			i++
		}
		// A closing 万 is the unit, as in "20万" or "二十万元" for ____ 万元.
		if i > 1 && rs[i-1] == '万' {
			i--
		}
		n, good := parseChineseNumber(rs[:i])
		if !good {
			return "", "", false
		}
		num = strconv.Itoa(n)
	}
	unit = string(rs[i:])
	if percent {
		if unit != "" {
			return "", "", false
		}
		return num, "%", true
	}
	for _, suffix := range []string{"以内", "之内", "内"} {
		if u, found := strings.CutSuffix(unit, suffix); found && unitGroup(u) >= 0 {
			unit = u
			break
		}
	}
	return num, unit, true
}

const chineseDigits = "零〇一二两三四五六七八九十百千万"

// parseChineseNumber reads a Chinese numeral up to the ten-thousands:
// 七 → 7, 十五 → 15, 七十二 → 72, 一百零八 → 108, 一百五 → 150.
func parseChineseNumber(rs []rune) (int, bool) {
	if len(rs) == 0 {
		return 0, false
	}
	digit := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	mult := map[rune]int{'十': 10, '百': 100, '千': 1000}
	total, section, pending := 0, 0, -1
	lastMult := 0
	zeroSeen := false
	for _, r := range rs {
		if d, isDigit := digit[r]; isDigit {
			if pending > 0 {
				return 0, false // two digits in a row: "七二"
			}
			if d == 0 {
				zeroSeen = true
			}
			pending = d
			continue
		}
		if r == '万' {
			if pending > 0 {
				section += pending
			}
			if section == 0 {
				return 0, false
			}
			total += section * 10000
			section, pending, lastMult, zeroSeen = 0, -1, 10000, false
			continue
		}
		m := mult[r]
		if m == 0 {
			return 0, false
		}
		if pending < 0 {
			if m != 10 || section != 0 {
				return 0, false // only 十 may stand alone: 十五
			}
			pending = 1
		}
		section += pending * m
		pending, lastMult, zeroSeen = -1, m, false
	}
	if pending > 0 {
		// 一百五 is 150, 一百零五 is 105.
		if lastMult >= 100 && !zeroSeen {
			section += pending * lastMult / 10
		} else {
			section += pending
		}
	}
	return total + section, true
}

// hasDecimal reports whether s holds a number with a decimal point ("0.5").
func hasDecimal(s string) bool {
	rs := []rune(width.Fold.String(s))
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] == '.' && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) {
			return true
		}
	}
	return false
}
