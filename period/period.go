// Package period turns the periods people type ("本月", "上周", "2026-10",
// "2026-10-01 2026-10-15") into inclusive date ranges.
package period

import (
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/textfold"
)

// Layout is the date layout of every Range bound.
const Layout = "2006-01-02"

// Range is an inclusive range of days, with a Chinese label for titles.
type Range struct {
	From, To time.Time // midnight of the first and last day, in the caller's location
	Label    string    // 本月（11月1日–23日）, 2026年10月 …
}

// FromDate and ToDate are the bounds as YYYY-MM-DD.
func (r Range) FromDate() string { return r.From.Format(Layout) }
func (r Range) ToDate() string   { return r.To.Format(Layout) }

// End is the instant the range ends: midnight after its last day.
func (r Range) End() time.Time { return r.To.AddDate(0, 0, 1) }

// Days is the number of days in the range.
func (r Range) Days() int { return int(r.To.Sub(r.From).Hours()/24+0.5) + 1 }

// Contains reports whether day (any time on it) lies in the range.
func (r Range) Contains(day time.Time) bool {
	d := Day(day)
	return !d.Before(r.From) && !d.After(r.To)
}

// Day is midnight of t's day in t's location.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// Month is the whole calendar month containing t.
func Month(t time.Time) Range {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return Range{From: first, To: first.AddDate(0, 1, -1), Label: fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))}
}

// MonthToDate runs from the first of today's month to yesterday (the latest
// day with complete data); on the 1st it is the previous month.
func MonthToDate(now time.Time) Range {
	y := Day(now).AddDate(0, 0, -1)
	r := Month(y)
	r.To = y
	r.Label = fmt.Sprintf("%d月1日–%d日", int(y.Month()), y.Day())
	return r
}

// Default is the period every command covers when none is typed, so the
// month a command means never depends on the command: the month to date
// through yesterday, the latest day with complete KPI data, labelled
// 本月至今（12月1日–14日）. On the 1st the new month has no complete day
// yet, so it is the whole month just ended, labelled 上月（2026年11月）,
// which is also what 上月 means that day. live includes today (points earned
// today count at once) on every day but the 1st. A typed 本月 is always the
// calendar month of today (see Parse).
func Default(now time.Time, live bool) Range {
	today := Day(now)
	if today.Day() == 1 {
		r := Month(today.AddDate(0, 0, -1))
		r.Label = "上月（" + r.Label + "）"
		return r
	}
	r := MonthToDate(now)
	if live {
		r.To = today
		r.Label = fmt.Sprintf("%d月1日–%d日", int(today.Month()), today.Day())
	}
	r.Label = "本月至今（" + r.Label + "）"
	return r
}

// Week is the Monday-to-Sunday week containing t.
func Week(t time.Time) Range {
	d := Day(t)
	offset := (int(d.Weekday()) + 6) % 7 // Monday = 0
	mon := d.AddDate(0, 0, -offset)
	return Range{From: mon, To: mon.AddDate(0, 0, 6), Label: fmt.Sprintf("%d月%d日–%d月%d日", int(mon.Month()), mon.Day(), int(mon.AddDate(0, 0, 6).Month()), mon.AddDate(0, 0, 6).Day())}
}

// Quarter is the calendar quarter containing t.
func Quarter(t time.Time) Range {
	q := (int(t.Month()) - 1) / 3
	first := time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, t.Location())
	return Range{From: first, To: first.AddDate(0, 3, -1), Label: fmt.Sprintf("%d年第%d季度", t.Year(), q+1)}
}

// Parse reads a period relative to now. It accepts 今天, 昨天, 本周, 上周,
// 本月, 上月, 本季, 上季, 近7天/近30天, YYYY-MM (also YYYY年M月 and M月), a
// single YYYY-MM-DD, and two dates "YYYY-MM-DD YYYY-MM-DD" (or joined by ~,
// 至 or 到). Ranges that reach into the future end at today. An empty text
// is def.
func Parse(text string, now time.Time, def Range) (Range, error) {
	s := strings.TrimSpace(foldWidth(text))
	if s == "" {
		return def, nil
	}
	today := Day(now)
	var r Range
	switch s {
	case "今天", "今日":
		r = Range{From: today, To: today, Label: "今天"}
	case "昨天", "昨日":
		y := today.AddDate(0, 0, -1)
		r = Range{From: y, To: y, Label: "昨天"}
	case "本周", "这周":
		r = Week(today)
		r.Label = "本周（" + r.Label + "）"
	case "上周":
		r = Week(today.AddDate(0, 0, -7))
		r.Label = "上周（" + r.Label + "）"
	case "本月", "这个月":
		r = Month(today)
		r.Label = "本月（" + r.Label + "）"
	case "上月", "上个月":
		r = Month(time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location()).AddDate(0, 0, -1))
		r.Label = "上月（" + r.Label + "）"
	case "本季", "本季度":
		r = Quarter(today)
	case "上季", "上季度":
		r = Quarter(Quarter(today).From.AddDate(0, 0, -1))
	case "近7天", "最近7天":
		r = Range{From: today.AddDate(0, 0, -7), To: today.AddDate(0, 0, -1), Label: "近7天"}
	case "近30天", "最近30天":
		r = Range{From: today.AddDate(0, 0, -30), To: today.AddDate(0, 0, -1), Label: "近30天"}
	default:
		var err error
		if r, err = parseDates(s, today); err != nil {
			return Range{}, err
		}
	}
	if r.To.After(today) && !r.From.After(today) {
		r.To = today
	}
	return r, nil
}

func parseDates(s string, today time.Time) (Range, error) {
	loc := today.Location()
	for _, sep := range []string{"~", "～", "至", "到", "—", " "} {
		if a, b, ok := strings.Cut(s, sep); ok && strings.TrimSpace(b) != "" {
			from, err1 := time.ParseInLocation(Layout, strings.TrimSpace(a), loc)
			to, err2 := time.ParseInLocation(Layout, strings.TrimSpace(b), loc)
			if err1 != nil || err2 != nil {
				return Range{}, fmt.Errorf("无法识别的日期范围“%s”，请写成 2026-10-01 2026-10-15", s)
			}
			if to.Before(from) {
				return Range{}, fmt.Errorf("开始日期 %s 晚于结束日期 %s", a, strings.TrimSpace(b))
			}
			if to.Sub(from) > 366*24*time.Hour {
				return Range{}, fmt.Errorf("日期范围不能超过一年")
			}
			return Range{From: from, To: to, Label: from.Format(Layout) + " 至 " + to.Format(Layout)}, nil
		}
	}
	if d, err := time.ParseInLocation(Layout, s, loc); err == nil {
		return Range{From: d, To: d, Label: d.Format(Layout)}, nil
	}
	for _, layout := range []string{"2006-01", "2006/01", "2006年1月", "200601"} {
		if m, err := time.ParseInLocation(layout, s, loc); err == nil {
			return Month(m), nil
		}
	}
	var month int
	if _, err := fmt.Sscanf(s, "%d月", &month); err == nil && month >= 1 && month <= 12 && strings.HasSuffix(s, "月") {
		y := today.Year()
		if time.Month(month) > today.Month() {
			y-- // "12月" typed in January means last December
		}
		return Month(time.Date(y, time.Month(month), 1, 0, 0, 0, 0, loc)), nil
	}
	return Range{}, fmt.Errorf("无法识别的时间“%s”：可以写 本周、上周、本月、上月、本季、2026-10，或 2026-10-01 2026-10-15", s)
}

// foldWidth turns full-width digits and punctuation (２０２６－１０, typed in
// a Chinese input method's full-width mode) into half-width ones.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '～' { // stays: it is a range separator as it is
			return r
		}
		return textfold.Rune(r)
	}, s)
}

// Looks reports whether text reads as a period (so a command can tell a
// period argument from a name).
func Looks(text string) bool {
	_, err := Parse(text, time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC), Range{})
	return err == nil && strings.TrimSpace(text) != ""
}
