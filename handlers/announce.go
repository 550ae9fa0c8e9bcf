package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/reports/reportbot"
)

// Announce is /announce: a supervisor posts a notice into every chat of the
// team (the WeCom and DingTalk groups as well as the console), @-ing everyone
// named in it.
func Announce() *bot.Command {
	return &bot.Command{
		Name: "announce", Aliases: []string{"通知", "公告"},
		Summary:   "向本团队所有群发布通知（企业微信、钉钉群同时收到）",
		Usage:     "/announce 通知内容（可以 @名字 提醒某人）",
		Examples:  []string{"/announce 明天大促，8:30 前到岗", "/announce @小王 @小李 下午两点复盘差评", "/announce 售后组 明天盘点（私聊中写明团队）"},
		Role:      bot.RoleSupervisor,
		MinArgs:   1,
		GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			team, text := req.Team, strings.TrimSpace(req.Rest)
			if req.Private() {
				// From a private chat the notice may name its team; it must
				// when the sender is in several.
				if t := req.SenderTeam(req.Args[0]); t != nil {
					team, text = t, strings.TrimSpace(strings.TrimPrefix(text, req.Args[0]))
				} else if req.MultiTeam() {
					names := reportbot.TeamNames(req.SenderTeams())
					return bot.Userf("你同时在 %s，请在通知内容前写明发给哪个团队，例如：/announce %s 通知内容（或在该团队群里发送）。通知没有发出。", names, req.SenderTeams()[0].Name)
				}
				if text == "" {
					return bot.Usagef("请写上通知内容。")
				}
			}
			if err := bot.CheckLen("通知", text, bot.MaxAnnouncement); err != nil {
				return err
			}
			var mentions []string
			for _, w := range strings.Fields(text) {
				if strings.HasPrefix(w, "@") || strings.HasPrefix(w, "＠") {
					if m := req.Bot().Directory.FindInTeam(team, w); m != nil {
						mentions = append(mentions, m.ID)
					}
				}
			}
			msg := bot.Message{Markdown: fmt.Sprintf("📢 **%s 通知**（%s）\n%s", team.Name, req.SenderName(), text), Mentions: mentions}
			if err := req.Bot().PostTeam(ctx, team.ID, msg); err != nil {
				return err
			}
			if req.Event.Platform == "console" && req.Event.ChatType != bot.ChatSingle {
				return nil // the console is one of the team's chats: the notice is already there
			}
			return req.ReplyText(ctx, fmt.Sprintf("通知已发到%s的所有群。", team.Name))
		},
	}
}
