package kpi

import "strings"

// header is a normalised column title and the unit its suffix named.
type header struct {
	name string  // normalised, suffixes removed
	unit float64 // seconds per unit for durations (1 unless 分钟/小时)
}

// normHeader normalises a column title: trims spaces and invisible marks,
// folds full-width brackets and arrows, and strips trailing bracketed
// qualifiers such as (秒), （秒）, (元), (%), （会话）, (8-23点). The suffixes
// 延 (delayed) and 修 (corrected) are removed by the lookup, not here, since
// some genuine titles end in those characters.
func normHeader(s string) header {
	h := header{unit: 1}
	s = strings.TrimPrefix(trimCell(s), "\ufeff")
	if strings.ContainsAny(s, " \u3000（）【】→\u200b") {
		r := strings.NewReplacer(" ", "", "\u3000", "", "（", "(", "）", ")", "【", "(", "】", ")", "→", "->", "\u200b", "")
		s = r.Replace(s)
	}
	for strings.HasSuffix(s, ")") {
		i := strings.LastIndexByte(s, '(')
		if i <= 0 {
			break
		}
		switch s[i+1 : len(s)-1] {
		case "分", "分钟", "min":
			h.unit = 60
		case "小时", "时", "h":
			h.unit = 3600
		}
		s = s[:i]
	}
	h.name = strings.ToLower(s)
	return h
}

// lookupHeader maps a normalised title through m, retrying without a trailing
// 延 or 修 and without a trailing unit such as 秒 or 元.
func lookupHeader(m map[string]Column, name string) (Column, bool) {
	if c, ok := m[name]; ok {
		return c, true
	}
	for _, suf := range [...]string{"延", "修", "秒", "元", "(秒)"} {
		if base, ok := strings.CutSuffix(name, suf); ok && base != "" {
			if c, ok := m[base]; ok {
				return c, true
			}
		}
	}
	return ColUnknown, false
}
