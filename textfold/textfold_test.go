package textfold

import "testing"

func TestWidth(t *testing.T) {
	for in, want := range map[string]string{
		"ｋｐｉ":           "kpi",
		"２０２６－１０":       "2026-10",
		"／ｈｅｌｐ\u3000上月": "/help 上月",
		"２０２６－１０－０１～２０２６－１０－１５": "2026-10-01~2026-10-15",
		"￥１２":    "￥12", // only full-width ASCII folds
		"半角 ok":  "半角 ok",
		"中文，句号。": "中文,句号。",
	} {
		if got := Width(in); got != want {
			t.Errorf("Width(%q) = %q, want %q", in, got, want)
		}
	}
}
