package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
	"github.com/banzu-bot/banzu/wording"
)

// Drills is 实操演练's chat commands: /drill starts a lesson that ends in a
// practice task, /reply submits an answer to it privately.
type Drills struct{ Drills *lessonbot.Drills }

// Commands lists /drill and /reply.
func (d Drills) Commands() []*bot.Command { return []*bot.Command{d.drillCmd(), d.replyCmd()} }

// WordingCheck is the 话术 check that scores drill replies, for
// lessonbot.Drills.Check.
func WordingCheck(w *Wording) func(ctx context.Context, team, text string) (*wording.Result, error) {
	return func(ctx context.Context, team, text string) (*wording.Result, error) {
		c, err := w.Check(ctx, team, text)
		if err != nil {
			return nil, err
		}
		return c.Result, nil
	}
}

func (d Drills) drillCmd() *bot.Command {
	return &bot.Command{
		Name: "drill", Aliases: []string{"实操演练"},
		Summary:  "开始一节以实操演练收尾的微课：知识点 → 案例 → 7 分钟写回复，私聊提交、按话术评分",
		Usage:    "/drill [主题]",
		Examples: []string{"/drill", "/drill 7天无理由退货"},
		Role:     bot.RoleSupervisor, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if req.Event.ChatType == bot.ChatSingle {
				return bot.Userf("实操演练要在团队群里开始，大家才能看到顾客的消息。")
			}
			topic := strings.TrimSpace(strings.Join(req.Args, " "))
			s, err := d.Drills.StartDrill(ctx, req.Team, req.ReplyTo(), topic, req.Member.ID)
			if errors.Is(err, lessonbot.ErrLessonRunning) {
				return bot.Userf("已有一节%s在进行中（%s），结束后再开始实操演练。", lessonbot.KindLabel(s.Kind), s.Topic)
			}
			return err
		},
	}
}

func (d Drills) replyCmd() *bot.Command {
	return &bot.Command{
		Name: "reply", Aliases: []string{"演练"},
		Summary:  "实操演练时私聊提交你对顾客的回复（/reply 署名：同意署名展示）",
		Usage:    "/reply 你的回复 | /reply 署名",
		Examples: []string{"/reply 亲，非常理解您的心情，剪了吊牌还在7天内的话我帮您看看能不能办理退货", "/reply 署名"},
		Role:     bot.RoleAgent, MinArgs: 1, GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if req.Event.ChatType != bot.ChatSingle {
				return bot.Userf("请私聊班组助手发送 /reply，别让同事先看到你的回复。")
			}
			text := strings.TrimSpace(req.Rest)
			if text == "署名" {
				if err := d.Drills.Consent(ctx, req.Team.ID, req.Member.ID); err != nil {
					return err
				}
				return req.ReplyText(ctx, "好的，如果你的回复是最佳回复，会署名展示。")
			}
			r, err := d.Drills.Submit(ctx, req.Team.ID, req.Member.ID, text)
			if err != nil {
				return err
			}
			p := r.Session.Practice
			var b strings.Builder
			fmt.Fprintf(&b, "已收到你的回复：**%d 分**（话术温度 %d° × 60%%", r.Score, r.Temperature)
			if n := len(p.Points); n > 0 {
				fmt.Fprintf(&b, " + 要点 %d/%d × 40%%", len(r.Hit), n)
			} else {
				b.WriteString(" + 40")
			}
			if len(r.Flagged) > 0 {
				fmt.Fprintf(&b, " − 禁忌/绝对化用语 %d 处", len(r.Flagged))
			}
			b.WriteString("）")
			for _, pt := range p.Points {
				mark := "❌"
				for _, h := range r.Hit {
					if h == pt {
						mark = "✅"
					}
				}
				fmt.Fprintf(&b, "\n%s %s", mark, pt)
			}
			if line := (&Checked{Result: r.Check}).Line(); line != "" {
				b.WriteString("\n" + line)
			}
			fmt.Fprintf(&b, "\n%s 前可以再发一次覆盖。", p.CloseAt.In(req.Bot().Location()).Format("15:04"))
			if !r.Consent {
				b.WriteString("同意最佳回复署名展示请发 /reply 署名。")
			}
			return req.ReplyText(ctx, b.String())
		},
	}
}
