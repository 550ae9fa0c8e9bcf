package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/growth"
)

// WhoAmI is /whoami: who the bot thinks you are.
func WhoAmI() *bot.Command {
	return &bot.Command{
		Name: "whoami", Aliases: []string{"我是谁"},
		Summary: "查看你在班组助手里的身份和角色",
		Usage:   "/whoami",
		Role:    bot.RoleGuest,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if req.Member == nil {
				return req.ReplyText(ctx, fmt.Sprintf("你（%s）还不在班组名单中。请联系主管在配置里添加你的账号。", req.SenderName()))
			}
			team := "—"
			if req.Team != nil {
				team = req.Team.Name
			}
			return req.ReplyText(ctx, fmt.Sprintf("你是 **%s**，角色：%s，当前团队：%s", req.Member.Name, req.Role.Label(), team))
		},
	}
}

// Roster is /roster: the team's members with roles and shop accounts.
func Roster() *bot.Command {
	return &bot.Command{
		Name: "roster", Aliases: []string{"名单"},
		Summary:   "查看本团队成员、角色和店铺子账号",
		Usage:     "/roster",
		Role:      bot.RoleSupervisor,
		GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			var b strings.Builder
			fmt.Fprintf(&b, "**%s 成员（%d 人）**\n", req.Team.Name, len(req.Team.Members))
			for _, m := range req.Team.Members {
				fmt.Fprintf(&b, "- %s · %s", m.Name, req.Bot().Directory.RoleOf(m).Label())
				if req.Bot().Directory.LevelOf(m) == "senior" {
					b.WriteString(" · 资深")
				}
				if len(m.Config.Aliases) > 0 {
					fmt.Fprintf(&b, " · 子账号：%s", strings.Join(m.Config.Aliases, "、"))
				}
				b.WriteString("\n")
			}
			return req.ReplyText(ctx, strings.TrimRight(b.String(), "\n"))
		},
	}
}

// SetRole is /role @name role: managers and admins change someone's role.
func SetRole() *bot.Command {
	return &bot.Command{
		Name: "role", Aliases: []string{"角色"},
		Summary:   "设置成员角色（客服、主管、经理）",
		Usage:     "/role @名字 客服|主管|经理（也可写 agent、supervisor、manager）",
		Examples:  []string{"/role @小王 主管", "/角色 @小王 客服"},
		Role:      bot.RoleManager,
		MinArgs:   2,
		GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			m := req.FindMember(req.Args[0])
			if m == nil {
				return bot.Usagef("团队里没有找到 %s。", req.Args[0])
			}
			r, ok := bot.ParseRole(req.Args[1])
			if !ok || r == bot.RoleGuest {
				if l, isLevel := growth.ParseLevel(req.Args[1]); isLevel && l == growth.LevelSenior {
					return bot.Userf("“%s”是职级，不是角色。请用 /level %s %s 调整职级（会记入职级记录，并按资深目标考核）。", req.Args[1], req.Args[0], req.Args[1])
				}
				return bot.Usagef("不认识的角色 %q。", req.Args[1])
			}
			if r > req.Role {
				return bot.Userf("你不能授予比自己更高的角色（%s）。", r.Label())
			}
			if m.ID == req.Member.ID {
				return bot.Userf("不能修改自己的角色，请联系其他经理或管理员。")
			}
			if err := req.Bot().Directory.SetRole(ctx, m.ID, r); err != nil {
				return err
			}
			req.Bot().Logger().Info("role changed", "member_id", m.ID, "role", r.String(), "by", req.Member.ID)
			return req.ReplyText(ctx, fmt.Sprintf("已将 %s 的角色设为 %s。", m.Name, r.Label()))
		},
	}
}
