package kpi

import (
	"strings"
	"time"
)

// parseDuration reads a duration in seconds: "11", "11.5", "11秒", "2分30秒",
// "2分钟30秒", "7小时41分52秒", "1天2小时", "00:02:30", "02:30", "30s",
// "2m30s". A bare number is multiplied by unit (seconds per unit of the
// column, 1 unless the header said 分钟 or 小时).
func parseDuration(s string, unit float64) (float64, cellState) {
	s = trimCell(s)
	if isEmptyMarker(s) {
		return 0, cellEmpty
	}
	if strings.IndexByte(s, ':') >= 0 {
		return parseClock(s)
	}
	var total, lastMul float64
	var parts int
	for len(s) > 0 {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
			i++
		}
		if i == 0 {
			return 0, cellBad
		}
		v, st := parseNumber(s[:i])
		if st != cellOK {
			return 0, cellBad
		}
		s = s[i:]
		j := 0
		for j < len(s) && !(s[j] >= '0' && s[j] <= '9') {
			j++
		}
		u := trimCell(s[:j])
		s = s[j:]
		var mul float64
		switch u {
		case "":
			switch {
			case len(s) > 0:
				return 0, cellBad
			case parts == 0:
				mul = unit
			case lastMul == 60 || lastMul == 3600: // "2分30" means 2 min 30 s
				mul = lastMul / 60
			default:
				return 0, cellBad
			}
		case "秒", "秒钟", "s", "S", "sec":
			mul = 1
		case "分", "分钟", "m", "min":
			mul = 60
		case "小时", "时", "h", "H":
			mul = 3600
		case "天", "日", "d":
			mul = 86400
		default:
			return 0, cellBad
		}
		total += v * mul
		lastMul = mul
		parts++
	}
	return total, cellOK
}

// parseClock reads "hh:mm:ss" or "mm:ss" (fractions of a second allowed).
func parseClock(s string) (float64, cellState) {
	var fields [3]float64
	n := 0
	for {
		i := strings.IndexByte(s, ':')
		part := s
		if i >= 0 {
			part = s[:i]
		}
		if n == 3 || part == "" {
			return 0, cellBad
		}
		v, st := parseNumber(part)
		if st != cellOK || v < 0 {
			return 0, cellBad
		}
		fields[n] = v
		n++
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	switch n {
	case 2:
		return fields[0]*60 + fields[1], cellOK
	case 3:
		return fields[0]*3600 + fields[1]*60 + fields[2], cellOK
	}
	return 0, cellBad
}

// civil is a calendar date packed as yyyymmdd.
type civil int32

// String formats the date as YYYY-MM-DD.
func (d civil) String() string {
	var b [10]byte
	y, m, dd := int(d)/10000, int(d)/100%100, int(d)%100
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4] = '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[7] = '-'
	b[8], b[9] = byte('0'+dd/10), byte('0'+dd%10)
	return string(b[:])
}

// mkCivil validates and packs a date.
func mkCivil(y, m, d int) (civil, bool) {
	if y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return 0, false
	}
	return civil(y*10000 + m*100 + d), true
}

// civilOf converts a time to its calendar date.
func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil(y*10000 + int(m)*100 + d)
}

// parseDate reads a date cell: "2026-10-01", "2026/10/1", "2026.10.01",
// "20261001", "2026年10月1日", "2026-10-01 00:00:00", "10/01/2026",
// "10-01-26" (excelize's rendering of Excel's default date format) and Excel
// serial numbers such as "46296".
func parseDate(s string) (civil, cellState) {
	s = trimCell(s)
	if isEmptyMarker(s) {
		return 0, cellEmpty
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	var nums [3]int
	var lens [3]int
	n := 0
	cur, curLen := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= '0' && c <= '9' {
			if curLen > 8 {
				return 0, cellBad
			}
			cur = cur*10 + int(c-'0')
			curLen++
			i++
			continue
		}
		if curLen == 0 || n == 3 {
			return 0, cellBad
		}
		nums[n], lens[n] = cur, curLen
		n++
		cur, curLen = 0, 0
		switch {
		case c == '-' || c == '/' || c == '.':
			i++
		case strings.HasPrefix(s[i:], "年"), strings.HasPrefix(s[i:], "月"), strings.HasPrefix(s[i:], "日"):
			i += 3
		default:
			return 0, cellBad
		}
	}
	if curLen > 0 {
		if n == 3 {
			return 0, cellBad
		}
		nums[n], lens[n] = cur, curLen
		n++
	}
	var d civil
	ok := false
	switch {
	case n == 1 && lens[0] == 8:
		d, ok = mkCivil(nums[0]/10000, nums[0]/100%100, nums[0]%100)
	case n == 1 && lens[0] == 5 && strings.IndexByte(s, '.') < 0 || n == 2 && lens[0] == 5 && s[lens[0]] == '.':
		// Excel serial date (1900 date system).
		if nums[0] > 60 {
			d, ok = civilOf(time.Date(1899, 12, 30+nums[0], 0, 0, 0, 0, time.UTC)), true
		}
	case n == 3 && lens[0] == 4:
		d, ok = mkCivil(nums[0], nums[1], nums[2])
	case n == 3 && lens[2] == 4:
		d, ok = mkCivil(nums[2], nums[0], nums[1]) // m/d/yyyy
	case n == 3 && lens[2] == 2 && lens[0] <= 2:
		d, ok = mkCivil(2000+nums[2], nums[0], nums[1]) // mm-dd-yy
	}
	if !ok {
		return 0, cellBad
	}
	return d, cellOK
}
