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
			if cmd != nil && req.Role < cmd.Role {
				// The command exists, just not for this role: say so rather
				// than suggest a look-alike the sender may use.
				title := "/" + cmd.Name
				if len(cmd.Aliases) > 0 {
					title += "（/" + strings.Join(cmd.Aliases, "、/") + "）"
				}
				return req.ReplyText(ctx, fmt.Sprintf("%s 仅限%s及以上角色使用：%s。你是%s，发送 /help 查看你能用的命令。",
					title, cmd.Role.Label(), cmd.Summary, req.Role.Label()))
			}
			if cmd == nil {
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

// helpWords are what people type to the bot when they want its help.
var helpWords = map[string]bool{"帮助": true, "help": true, "菜单": true, "命令": true, "你能做什么": true, "?": true, "？": true}

// HelpFallback answers "@班组助手 帮助" (a help word without the slash,
// addressed to the bot or in a private chat) with /help.
func HelpFallback(cmds *bot.Commands) bot.Fallback {
	return func(ctx context.Context, req *bot.Request) (bool, error) {
		ev := req.Event
		if ev.Action != nil || !(ev.Mentioned || ev.ChatType == bot.ChatSingle) {
			return false, nil
		}
		w := strings.ToLower(strings.TrimSpace(bot.FoldWidth(ev.Text)))
		if !helpWords[strings.TrimRight(w, "!！。.")] {
			return false, nil
		}
		return true, req.ReplyText(ctx, cmds.HelpText(req.Role))
	}
}
