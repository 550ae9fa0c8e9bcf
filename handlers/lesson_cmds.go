package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/lesson"
)

// Commands lists the lesson feature's chat commands.
func (l *Lessons) Commands() []*bot.Command {
	return []*bot.Command{l.lessonCmd(), l.answerCmd(), l.mistakesCmd(), l.reviewCmd(), l.campCmd(), l.contestCmd()}
}

func (l *Lessons) lessonCmd() *bot.Command {
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
			s, err := l.Start(ctx, req.Team, req.ReplyTo(), lesson.KindLesson, topic, req.Member.ID)
			if errors.Is(err, ErrLessonRunning) {
				if s.Kind == lesson.KindContest {
					return bot.Userf("大练兵正在进行中，结束后再开始微课。")
				}
				return bot.Userf("已有一节微课在进行中（%s）。如需重新开始，请先发送 /lesson stop。", s.Topic)
			}
			return err
		case "stop", "停止", "结束":
			s, err := l.Stop(ctx, req.Team.ID, lesson.KindLesson)
			if errors.Is(err, ErrOtherKind) {
				return bot.Userf("现在进行的是大练兵，不是微课。发送 /contest stop 提前结束并评奖，或 /contest cancel 取消。")
			}
			if err == nil && s == nil {
				return bot.Userf("现在没有进行中的微课。")
			}
			return err
		case "skip", "跳过", "下一步":
			s, err := l.Skip(ctx, req.Team.ID)
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

func (l *Lessons) status(ctx context.Context, req *bot.Request, cmd *bot.Command) error {
	s, err := l.Repo.Active(ctx, req.Team.ID)
	if err != nil {
		return err
	}
	if s == nil {
		return req.ReplyText(ctx, "现在没有进行中的微课。每个工作日 14:00 自动开始，也可以发送 /lesson start [主题] 立即开始。\n"+cmd.UsageText())
	}
	loc := l.Bot.Location()
	return req.ReplyText(ctx, fmt.Sprintf("正在进行：%s · %s（%s 开始，%s 前结束），已出 %d/%d 题。",
		kindLabel(s.Kind), s.Topic, hhmm(s.Start, loc), hhmm(s.EndAt(), loc), s.Asked(), len(s.Questions)))
}

func (l *Lessons) answerCmd() *bot.Command {
	return &bot.Command{
		Name: "a", Aliases: []string{"答"},
		Summary:  "回答所在会话里正在进行的题目（也可以直接 @班组助手 A 或点选项；只有你自己看得到回复）",
		Usage:    "/a 答案",
		Examples: []string{"/a B", "/a AC", "/a 对", "/a 72"},
		Role:     bot.RoleAgent,
		MinArgs:  1,
		Handler: func(ctx context.Context, req *bot.Request) error {
			_, err := l.answerText(ctx, req, req.Rest, true)
			return l.quiet(ctx, req, err)
		},
	}
}

func (l *Lessons) mistakesCmd() *bot.Command {
	return &bot.Command{
		Name: "mistakes", Aliases: []string{"错题本", "wrong"},
		Summary: "查看你的错题本",
		Usage:   "/mistakes",
		Role:    bot.RoleAgent,
		Handler: func(ctx context.Context, req *bot.Request) error {
			items, err := l.Repo.Wrong(ctx, req.Member.ID)
			if err != nil {
				return err
			}
			if len(items) == 0 {
				return req.ReplyText(ctx, fmt.Sprintf("%s 的错题本是空的，继续保持！", req.Member.Name))
			}
			bank, err := l.Repo.Bank(ctx)
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
			return req.ReplyText(ctx, head+b.String())
		},
	}
}

func (l *Lessons) reviewCmd() *bot.Command {
	return &bot.Command{
		Name: "practice", Aliases: []string{"复习", "练习"},
		Summary: "复习错题本里的题（私聊里使用更方便）",
		Usage:   "/practice",
		Role:    bot.RoleAgent,
		Handler: l.Review,
	}
}

func (l *Lessons) campCmd() *bot.Command {
	return &bot.Command{
		Name: "camp", Aliases: []string{"特训营"},
		Summary:   "新人7天特训营：开启或查看进度",
		Usage:     "/camp start @名字 | /camp status",
		Examples:  []string{"/camp start @小美", "/特训营"},
		Role:      bot.RoleSupervisor,
		GroupOnly: true,
		Handler: func(ctx context.Context, req *bot.Request) error {
			if len(req.Args) == 0 || req.Args[0] == "status" || req.Args[0] == "状态" {
				text, err := l.CampStatus(ctx, req.Team)
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
			return l.StartCamp(ctx, req, m)
		},
	}
}

func (l *Lessons) contestCmd() *bot.Command {
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
				s, err := l.Start(ctx, req.Team, req.ReplyTo(), lesson.KindContest, "", req.Member.ID)
				if errors.Is(err, ErrLessonRunning) {
					if s.Kind == lesson.KindContest {
						return bot.Userf("大练兵已经在进行中（已出 %d/%d 题）。", s.Asked(), len(s.Questions))
					}
					return bot.Userf("现在有一节微课在进行中（%s），请等它结束或先 /lesson stop，再开始大练兵。", s.Topic)
				}
				return err
			case "stop", "停止", "结束":
				s, err := l.EndContest(ctx, req.Team.ID)
				if errors.Is(err, ErrOtherKind) {
					return bot.Userf("现在没有进行中的大练兵（正在进行的是微课：%s）。", s.Topic)
				}
				if err == nil && s == nil {
					return bot.Userf("现在没有进行中的大练兵。")
				}
				return err
			case "cancel", "取消":
				s, err := l.Stop(ctx, req.Team.ID, lesson.KindContest)
				if errors.Is(err, ErrOtherKind) {
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

// Jobs are the daily lesson (14:00 on workdays) and the camp's daily push.
func (l *Lessons) Jobs() []*jobs.Job {
	return []*jobs.Job{
		{
			Name: "lesson-daily", Description: "每日15分钟微课堂（按团队薄弱点选题）",
			DefaultSpec: "0 14 * * 1-5", PerTeam: true,
			Fn: func(ctx context.Context, run jobs.Run) error {
				t := l.Bot.Directory.Team(run.TeamID)
				if t == nil {
					return fmt.Errorf("no team %s", run.TeamID)
				}
				_, err := l.Start(ctx, t, TeamDest(t), lesson.KindLesson, "", "")
				if errors.Is(err, ErrLessonRunning) {
					l.log.Info("daily lesson skipped, one is running", "team_id", t.ID)
					return nil
				}
				return err
			},
		},
		{
			Name: "lesson-camp", Description: "新人7天特训营每日内容推送",
			DefaultSpec: "0 9 * * *", PerTeam: true,
			Fn: func(ctx context.Context, run jobs.Run) error { return l.CampTick(ctx, run.TeamID) },
		},
	}
}

// Seeder gives --demo a few days of past lessons, points and wrong answers.
func (l *Lessons) Seeder() demo.Seeder {
	return demo.Seeder{Name: "lessons", Seed: func(ctx context.Context, b *bot.Bot) error {
		bank, err := l.Repo.Bank(ctx)
		if err != nil {
			return err
		}
		past := map[string][]string{"presale": {"L04", "L16", "L17"}, "aftersale": {"L06", "L03", "L07"}}
		now := l.now()
		for _, t := range b.Directory.Teams() {
			day := now
			for i, lid := range past[t.ID] {
				les := bank.Lesson(lid)
				if les == nil {
					continue
				}
				day = prevWorkday(day)
				start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, day.Location())
				sid := fmt.Sprintf("%s-demo%d", t.ID, i+1)
				sum := lesson.Summary{SessionID: sid, Kind: lesson.KindLesson, TeamID: t.ID, LessonID: lid, Topic: les.Topic,
					Start: start, Asked: 4, Scores: map[string]int{}, Correct: map[string]int{}}
				for j, m := range t.Members {
					if m.Role != bot.RoleAgent || (i+j)%5 == 4 {
						continue // supervisors, and someone absent each day
					}
					right := 2 + (i+j)%3
					sum.Correct[m.ID] = right
					sum.Scores[m.ID] = right*850 - (j%3)*40
					if err := l.Repo.AddPoints(ctx, "quiz:"+sid+":"+m.ID, lesson.PointsEntry{Member: m.ID, Team: t.ID,
						Points: sum.Scores[m.ID], Reason: "每日微课堂测验：" + les.Topic, Source: "quiz", Ref: sid, At: start.Add(15 * time.Minute)}); err != nil {
						return err
					}
					if right < 4 {
						q := &les.Questions[(i+j)%len(les.Questions)]
						if err := l.Repo.Miss(ctx, m.ID, q, les, "", start.Add(12*time.Minute)); err != nil {
							return err
						}
					}
				}
				if err := l.Repo.AddHistory(ctx, sum); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}

func prevWorkday(t time.Time) time.Time {
	t = t.AddDate(0, 0, -1)
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, -1)
	}
	return t
}
