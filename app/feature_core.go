package app

import (
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/handlers"
)

// coreFeature is /help, /whoami, the roster and announcements.
func coreFeature(cmds *bot.Commands) Feature {
	return Feature{
		Name:      "core",
		Commands:  []*bot.Command{handlers.Help(cmds), handlers.WhoAmI(), handlers.Roster(), handlers.SetRole(), handlers.Announce()},
		Seeders:   []demo.Seeder{demo.Welcome},
		Fallbacks: []bot.Fallback{handlers.HelpFallback(cmds)},
	}
}
