package app

import (
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/handlers"
)

// 实操演练: /drill and /reply. The lesson runtime runs the practice steps
// through Lessons.Practice, set where the lesson runner is built.
func init() {
	register(Feature{
		Name: "practice",
		Commands: func(a *App) []*bot.Command {
			return a.Lessons().Practice.(*handlers.Drills).Commands()
		},
	})
}
