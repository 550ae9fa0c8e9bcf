package lesson

import "time"

// Leitner boxes: a missed question goes to box 1 and comes back the next
// day; each right answer moves it up a box and spaces it further; a right
// answer from the last box retires it.
var leitnerDays = []int{1, 2, 4, 7, 15}

// WrongItem is one question in a person's wrong-answer book.
type WrongItem struct {
	QID       string    `json:"qid"`
	LessonID  string    `json:"lesson_id"`
	Topic     string    `json:"topic"`
	Box       int       `json:"box"` // 1..len(leitnerDays)
	Due       string    `json:"due"` // YYYY-MM-DD
	Misses    int       `json:"misses"`
	LastMiss  time.Time `json:"last_miss"`
	LastGiven string    `json:"last_given,omitempty"` // the wrong answer as given
}

// Day is the calendar day of t as YYYY-MM-DD.
func Day(t time.Time) string { return t.Format("2006-01-02") }

func addDays(t time.Time, n int) string { return Day(t.AddDate(0, 0, n)) }

// Miss records a wrong answer at now.
func (w *WrongItem) Miss(now time.Time, given string) {
	w.Box = 1
	w.Misses++
	w.LastMiss = now
	w.LastGiven = given
	w.Due = addDays(now, leitnerDays[0])
}

// Hit records a right answer at now and reports whether the item is mastered
// (and leaves the book).
func (w *WrongItem) Hit(now time.Time) (mastered bool) {
	if w.Box >= len(leitnerDays) {
		return true
	}
	w.Box++
	w.Due = addDays(now, leitnerDays[w.Box-1])
	return false
}

// DueOn reports whether the item should be reviewed on day (YYYY-MM-DD).
func (w *WrongItem) DueOn(day string) bool { return w.Due <= day }
