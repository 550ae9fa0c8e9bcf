package app

import (
	"github.com/banzu-bot/banzu/handlers"
)

// 实操演练: /drill and /reply. The lesson runtime runs the practice steps
// through Lessons.Practice, set where the lesson runner is built.
func practiceFeature(l *handlers.Lessons) Feature {
	return Feature{Name: "practice", Commands: l.Practice.(*handlers.Drills).Commands()}
}
