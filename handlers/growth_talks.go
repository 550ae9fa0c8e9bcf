package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/growth/growthbot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/period"
)

// talks is the one-to-one side of growth the /talks command reads.
func (g *Growth) talks() *growthbot.Talks {
	return &growthbot.Talks{St: g.St, Cfg: g.Cfg, Targets: g.Targets}
}

func (g *Growth) talkCmd() *bot.Command {
	return &bot.Command{
		Name: "talk", Aliases: []string{"面谈"},
		Summary:  "记录一次一对一面谈（仅主管和经理可见，建议在私聊里发送）",
		Usage:    "/talk @名字 面谈内容和约定的行动",
		Examples: []string{"/talk @小王 最近售后流程不熟，压力大；安排阿强带两周售后，下周复盘"},
		Role:     bot.RoleSupervisor, MinArgs: 2, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			m, team := req.FindMemberTeam(req.Args[0])
			if m == nil {
				return bot.Usagef("团队里没有找到 %s。", req.Args[0])
			}
			note := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(req.Rest), req.Args[0]))
			if n := len([]rune(note)); n > g.Cfg.Talks.MaxNote {
				return bot.Userf("面谈记录太长了（%d 字），最多 %d 字。", n, g.Cfg.Talks.MaxNote)
			}
			idem := "talk/" + req.Event.Platform + "/" + req.Event.MessageID
			if req.Event.MessageID == "" {
				idem = ""
			}
			t, _, err := growth.AddTalk(ctx, g.St, growth.Talk{Team: team.ID, Member: m.ID, By: req.Member.ID, Note: note, At: req.Now()}, idem)
			if err != nil {
				return err
			}
			req.Bot().Logger().Info("talk recorded", "team_id", team.ID, "member_id", m.ID, "by", req.Member.ID, "seq", t.Seq)
			msg := fmt.Sprintf("已记录和 %s 的面谈（%s）。面谈记录仅主管和经理可见。", m.Name, t.At.In(req.Bot().Location()).Format(period.Layout))
			if req.Event.ChatType != bot.ChatSingle {
				msg += "\n下次请在和班组助手的私聊里发送 /talk，内容就不会出现在群里。"
			}
			return req.ReplyText(ctx, msg)
		},
	}
}

func (g *Growth) talksCmd() *bot.Command {
	return &bot.Command{
		Name: "talks", Aliases: []string{"面谈记录"},
		Summary:  "本月还有谁待面谈（未达标的优先，附近 3 个月趋势）；或查看和某人的面谈记录（只私信给你）",
		Usage:    "/talks [@名字]",
		Examples: []string{"/talks", "/talks @小王"},
		Role:     bot.RoleSupervisor, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			b := req.Bot()
			now := req.Now()
			if len(req.Args) == 0 {
				due, err := g.talks().Due(ctx, b, req.Team, now)
				if err != nil {
					return err
				}
				return replyPrivately(ctx, req, bot.Message{Markdown: growthbot.DueText(b, req.Team.Name, due, period.Month(now).Label)}, "待面谈名单")
			}
			m, team := req.FindMemberTeam(req.Args[0])
			if m == nil {
				return bot.Usagef("团队里没有找到 %s。", req.Args[0])
			}
			talks, err := growth.Talks(ctx, g.St, team.ID, time.Time{}, time.Time{})
			if err != nil {
				return err
			}
			var sb strings.Builder
			n := 0
			for i := len(talks) - 1; i >= 0 && n < 10; i-- {
				t := talks[i]
				if t.Member != m.ID {
					continue
				}
				n++
				fmt.Fprintf(&sb, "\n- %s %s：%s", t.At.In(b.Location()).Format(period.Layout), nameOf(b, t.By), knowledge.Clip(t.Note, 200))
			}
			text := fmt.Sprintf("**和 %s 的面谈记录**（最近 %d 次）%s", m.Name, n, sb.String())
			if n == 0 {
				text = fmt.Sprintf("还没有和 %s 的面谈记录。面谈后发送 /talk @%s 记录。", m.Name, m.Name)
			}
			return replyPrivately(ctx, req, bot.Message{Markdown: text}, "面谈记录")
		},
	}
}
