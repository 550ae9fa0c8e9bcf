package bot

import "unicode/utf8"

// Length caps of free-text command arguments, in characters: one place for
// every handler, so that a 10,000-character reason is refused with the
// limit rather than posted as eight webhook messages. The knowledge base has
// its own configurable caps (knowledge.Settings: questions 200, answers
// 2000, reasons 200), and the console refuses messages over 4000.
const (
	MaxReason       = 200  // award, referral and revocation reasons
	MaxAnnouncement = 2000 // /announce, well inside every platform's message limit
)

// CheckLen refuses s when it is longer than max characters, naming field and
// the limit: "原因太长（最多 200 字，现在 10000 字），请精简后重新发送。".
func CheckLen(field, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return Userf("%s太长（最多 %d 字，现在 %d 字），请精简后重新发送。", field, max, n)
	}
	return nil
}
