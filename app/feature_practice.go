package app

import (
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
)

// 实操演练: /drill and /reply. The lesson runtime runs the practice steps
// through Lessons.Practice, set where the lesson runner is built.
func practiceFeature(l *lessonbot.Lessons) Feature {
	return Feature{Name: "practice", Commands: handlers.Drills{Drills: l.Practice.(*lessonbot.Drills)}.Commands()}
}
