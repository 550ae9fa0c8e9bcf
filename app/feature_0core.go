package app

import (
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
)

func init() {
	register(Feature{
		Name: "core",
		Commands: func(a *App) []*bot.Command {
			return []*bot.Command{handlers.Help(a.Bot.Commands), handlers.WhoAmI(), handlers.Roster(), handlers.SetRole(), handlers.Announce()}
		},
		Seeders:   func(a *App) []demo.Seeder { return []demo.Seeder{demo.Welcome} },
		Fallbacks: func(a *App) []bot.Fallback { return []bot.Fallback{handlers.HelpFallback(a.Bot.Commands)} },
	})
}
