package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
)

// Lessons is the lesson feature's chat commands: /lesson, /a, /mistakes,
// /practice, /camp and /contest. The runner owns the lessons' timelines.
type Lessons struct{ Runner *lessonbot.Lessons }

// Commands lists the lesson feature's chat commands.
func (l Lessons) Commands() []*bot.Command {
	return []*bot.Command{l.lessonCmd(), l.answerCmd(), l.mistakesCmd(), l.reviewCmd(), l.campCmd(), l.contestCmd()}
}

func (l Lessons) lessonCmd() *bot.Command {
	cmd := &bot.Command{
		Name: "lesson", Aliases: []string{"微课"},
		Summary:   "每日15分钟微课堂：开始、停止、跳到下一环节（得分和错题私信每个人，缺席名单私信主管）",
		Usage:     "/lesson start [主题] | /lesson stop | /lesson skip | /lesson status",
		Examples:  []string{"/lesson start", "/lesson start 运费险", "/微课 skip"},
		Role:      bot.RoleSupervisor,
		GroupOnly: true,
	}
	cmd.Handler = func(ctx context.Context, req *bot.Request) error {
		if len(req.Args) == 0 {
			return l.status(ctx, req, cmd)
		}
		switch strings.ToLower(req.Args[0]) {
		case "start", "开始":
			topic := strings.TrimSpace(strings.Join(req.Args[1:], " "))
			s, err := l.Runner.Start(ctx, req.Team, req.ReplyTo(), lesson.KindLesson, topic, req.Member.ID)
			if errors.Is(err, lessonbot.ErrLessonRunning) {
				if s.Kind == lesson.KindContest {
					return bot.Userf("大练兵正在进行中，结束后再开始微课。")
				}
				return bot.Userf("已有一节微课在进行中（%s）。如需重新开始，请先发送 /lesson stop。", s.Topic)
			}
			return err
		case "stop", "停止", "结束":
			s, err := l.Runner.Stop(ctx, req.Team.ID, lesson.KindLesson)
			if errors.Is(err, lessonbot.ErrOtherKind) {
				return bot.Userf("现在进行的是大练兵，不是微课。发送 /contest stop 提前结束并评奖，或 /contest cancel 取消。")
			}
			if err == nil && s == nil {
				return bot.Userf("现在没有进行中的微课。")
			}
			return err
		case "skip", "跳过", "下一步":
			s, err := l.Runner.Skip(ctx, req.Team.ID)
			if err == nil && s == nil {
				return bot.Userf("现在没有进行中的微课。发送 /lesson start 开始。")
			}
			return err
		case "status", "状态":
			return l.status(ctx, req, cmd)
		}
		return bot.Usagef("不认识的操作 %q。", req.Args[0])
	}
	return cmd
}

func (l Lessons) status(ctx context.Context, req *bot.Request, cmd *bot.Command) error {
	s, err := l.Runner.Repo.Active(ctx, req.Team.ID)
	if err != nil {
		return err
	}
	if s == nil {
		return req.ReplyText(ctx, "现在没有进行中的微课。每个工作日 14:00 自动开始，也可以发送 /lesson start [主题] 立即开始。\n"+cmd.UsageText())
	}
	loc := l.Runner.Bot.Location()
	return req.ReplyText(ctx, fmt.Sprintf("正在进行：%s · %s（%s 开始，%s 前结束），已出 %d/%d 题。",
		lessonbot.KindLabel(s.Kind), s.Topic, s.Start.In(loc).Format("15:04"), s.EndAt().In(loc).Format("15:04"), s.Asked(), len(s.Questions)))
}

func (l Lessons) answerCmd() *bot.Command {
	return &bot.Command{
		Name: "a", Aliases: []string{"答"},
		Summary:  "回答所在会话里正在进行的题目（也可以直接 @班组助手 A 或点选项；只有你自己看得到回复）",
		Usage:    "/a 答案",
		Examples: []string{"/a B", "/a AC", "/a 对", "/a 72"},
		Role:     bot.RoleAgent,
		MinArgs:  1,
		Handler: func(ctx context.Context, req *bot.Request) error {
			return l.Runner.Answer(ctx, req, req.Rest)
		},
	}
}

func (l Lessons) mistakesCmd() *bot.Command {
	return &bot.Command{
		Name: "mistakes", Aliases: []string{"错题本", "wrong"},
		Summary: "查看你的错题本",
		Usage:   "/mistakes",
		Role:    bot.RoleAgent,
		Handler: func(ctx context.Context, req *bot.Request) error {
			items, err := l.Runner.Repo.Wrong(ctx, req.Member.ID)
			if err != nil {
				return err
			}
			if len(items) == 0 {
				return req.ReplyPrivately(ctx, bot.Message{Markdown: fmt.Sprintf("%s 的错题本是空的，继续保持！", req.Member.Name)})
			}
			bank, err := l.Runner.Repo.Bank(ctx)
			if err != nil {
				return err
			}
			today := lesson.Day(req.Now())
			due := 0
			var b strings.Builder
			for i, w := range items {
				q, _ := bank.Question(w.QID)
				if q == nil {
					continue
				}
				mark := ""
				if w.DueOn(today) {
					due++
					mark = " · **今天复习**"
				}
				if i < 10 {
					fmt.Fprintf(&b, "%d. 【%s】%s（%s题，错过 %d 次，下次复习 %s%s）\n", i+1, w.Topic, q.Text, q.Type.Label(), w.Misses, w.Due, mark)
				}
			}
			head := fmt.Sprintf("**%s 的错题本**（共 %d 题，今天该复习 %d 题）\n", req.Member.Name, len(items), due)
			if len(items) > 10 {
				b.WriteString(fmt.Sprintf("…… 另有 %d 题\n", len(items)-10))
			}
			b.WriteString("发送 /复习 重做这些题，答对的题会逐步移出错题本。")
			// Someone's wrong answers are theirs: in a group only they see them.
			return req.ReplyPrivately(ctx, bot.Message{Markdown: head + b.String()})
		},
	}
}

func (l Lessons) reviewCmd() *bot.Command {
	return &bot.Command{
		Name: "practice", Aliases: []string{"复习", "练习"},
		Summary: "复习错题本里的题（私聊里使用更方便）",
		Usage:   "/practice",
		Role:    bot.RoleAgent,
		Handler: l.Runner.Review,
	}
}
