package handlers

import (
	"context"
	"errors"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
)

func (l Lessons) campCmd() *bot.Command {
	return &bot.Command{
		Name: "camp", Aliases: []string{"特训营"},
		Summary:   "新人7天特训营：开启或查看进度",
		Usage:     "/camp start @名字 | /camp status",
		Examples:  []string{"/camp start @小美", "/特训营"},
		Role:      bot.RoleSupervisor,
		GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if len(req.Args) == 0 || req.Args[0] == "status" || req.Args[0] == "状态" {
				text, err := l.Runner.CampStatus(ctx, req.Team)
				if err != nil {
					return err
				}
				return req.ReplyText(ctx, text)
			}
			if req.Args[0] != "start" && req.Args[0] != "开始" {
				return bot.Usagef("不认识的操作 %q。", req.Args[0])
			}
			if len(req.Args) < 2 {
				return bot.Usagef("请写明新人的名字。")
			}
			m := req.FindMember(req.Args[1])
			if m == nil {
				return bot.Usagef("团队里没有找到 %s。", req.Args[1])
			}
			return l.Runner.StartCamp(ctx, req, m)
		},
	}
}

func (l Lessons) contestCmd() *bot.Command {
	return &bot.Command{
		Name: "contest", Aliases: []string{"大练兵"},
		Summary:   "季度服务技能大练兵：限时答题，评出服务速度王和问题终结者",
		Usage:     "/contest start | /contest stop（提前结束并评奖）| /contest cancel（取消，不计分）",
		Examples:  []string{"/contest start", "/大练兵 stop"},
		Role:      bot.RoleSupervisor,
		GroupOnly: true,
		MinArgs:   1,
		Handler: func(ctx context.Context, req *bot.Request) error {
			switch strings.ToLower(req.Args[0]) {
			case "start", "开始":
				s, err := l.Runner.Start(ctx, req.Team, req.ReplyTo(), lesson.KindContest, "", req.Member.ID)
				if errors.Is(err, lessonbot.ErrLessonRunning) {
					if s.Kind == lesson.KindContest {
						return bot.Userf("大练兵已经在进行中（已出 %d/%d 题）。", s.Asked(), len(s.Questions))
					}
					return bot.Userf("现在有一节微课在进行中（%s），请等它结束或先 /lesson stop，再开始大练兵。", s.Topic)
				}
				return err
			case "stop", "停止", "结束":
				s, err := l.Runner.EndContest(ctx, req.Team.ID)
				if errors.Is(err, lessonbot.ErrOtherKind) {
					return bot.Userf("现在没有进行中的大练兵（正在进行的是微课：%s）。", s.Topic)
				}
				if err == nil && s == nil {
					return bot.Userf("现在没有进行中的大练兵。")
				}
				return err
			case "cancel", "取消":
				s, err := l.Runner.Stop(ctx, req.Team.ID, lesson.KindContest)
				if errors.Is(err, lessonbot.ErrOtherKind) {
					return bot.Userf("现在没有进行中的大练兵（正在进行的是微课：%s）。", s.Topic)
				}
				if err == nil && s == nil {
					return bot.Userf("现在没有进行中的大练兵。")
				}
				return err
			}
			return bot.Usagef("不认识的操作 %q。", req.Args[0])
		},
	}
}
