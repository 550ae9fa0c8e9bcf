package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
)

// Help is /help: the commands the caller may use, or one command's usage.
func Help(cmds *bot.Commands) *bot.Command {
	return &bot.Command{
		Name: "help", Aliases: []string{"帮助"},
		Summary:  "查看可用命令",
		Usage:    "/help [命令名]",
		Examples: []string{"/help", "/help kpi"},
		Role:     bot.RoleGuest,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if len(req.Args) == 0 {
				return req.ReplyText(ctx, cmds.HelpText(req.Role))
			}
			name := bot.FoldWidth(strings.TrimLeft(req.Args[0], "/／"))
			cmd := cmds.Lookup(name)
			if cmd == nil || req.Role < cmd.Role {
				msg := fmt.Sprintf("没有你可用的 /%s 命令。", name)
				if near := cmds.ClosestFor(name, req.Role); near != "" {
					msg += fmt.Sprintf("你是不是想查 /%s ？", near)
				}
				return req.ReplyText(ctx, msg)
			}
			return req.ReplyText(ctx, cmd.UsageText())
		},
	}
}
