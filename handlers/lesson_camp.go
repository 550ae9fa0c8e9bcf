package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

func campDest(c *lesson.Camp) bot.Destination {
	return bot.Destination{Platform: c.Platform, ChatID: c.ChatID, TeamID: c.TeamID}
}

// supervisorsOf lists the platform user ids of the team's supervisors.
func supervisorsOf(dir *bot.Directory, t *bot.Team, platform string) []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, m := range dir.Supervisors(t.ID) {
		out = append(out, platformUserID(m, platform))
	}
	return out
}

func platformUserID(m *bot.Member, platform string) string {
	switch platform {
	case "wecom":
		return m.Config.WeComUserID
	case "dingtalk":
		return m.Config.DingTalkUserID
	}
	return m.ID
}

// StartCamp begins a new hire's seven-day camp and runs day 1.
func (l *Lessons) StartCamp(ctx context.Context, req *bot.Request, m *bot.Member) error {
	if c, err := l.Repo.Camp(ctx, m.ID); err != nil {
		return err
	} else if c != nil && c.Status == "active" {
		return bot.Userf("%s 的新人特训营已经在进行中（共 %d 天）。", m.Name, c.Days)
	}
	d := req.ReplyTo()
	c := &lesson.Camp{Member: m.ID, TeamID: req.Team.ID, Platform: d.Platform, ChatID: d.ChatID,
		StartDay: lesson.Day(req.Now()), Days: 7, Status: "active", StartedBy: req.Member.ID}
	if err := l.Repo.SaveCamp(ctx, c); err != nil {
		return err
	}
	if err := req.ReplyText(ctx, fmt.Sprintf("已为 %s 开启新人7天特训营：第 1–2 天企业文化与商品知识，第 3–4 天服务流程演练，第 5–6 天模拟顾客实战，第 7 天结业考试（%d 分及格，未通过自动延长 %d 天）。每天 9:00 推送当天内容。",
		m.Name, int(l.Opts.CampPassShare*100), l.Opts.CampExtend)); err != nil {
		return err
	}
	return l.runCampDay(ctx, c, 1)
}

// campDayOf is the camp day of day (1-based).
func campDayOf(c *lesson.Camp, now time.Time) int {
	start, err := time.ParseInLocation("2006-01-02", c.StartDay, now.Location())
	if err != nil {
		return 1
	}
	today, _ := time.ParseInLocation("2006-01-02", lesson.Day(now), now.Location())
	return int(today.Sub(start).Hours()/24) + 1
}

// CampTick runs today's camp day for every active camp of team (the daily
// job). A day already run is not repeated.
func (l *Lessons) CampTick(ctx context.Context, team string) error {
	camps, err := l.Repo.Camps(ctx)
	if err != nil {
		return err
	}
	now := l.now()
	for _, c := range camps {
		if c.TeamID != team || c.Status != "active" {
			continue
		}
		d := min(campDayOf(c, now), c.Days)
		if err := l.runCampDay(ctx, c, d); err != nil {
			return err
		}
	}
	return nil
}

func (l *Lessons) runCampDay(ctx context.Context, c *lesson.Camp, d int) error {
	for _, done := range c.Done {
		if done == d {
			return nil
		}
	}
	m := l.Bot.Directory.Member(c.Member)
	if m == nil {
		return nil
	}
	bank, err := l.Repo.Bank(ctx)
	if err != nil {
		return err
	}
	c.Done = append(c.Done, d)
	if err := l.Repo.SaveCamp(ctx, c); err != nil {
		return err
	}
	plan := lesson.CampPlan(d, c.Days)
	dest := campDest(c)
	mention := []string{platformUserID(m, c.Platform)}
	if plan.Exam {
		qids := lesson.ExamQuestions(bank, l.Opts.CampExamSize, fmt.Sprintf("%s/%d", c.Member, d))
		intro := fmt.Sprintf("**新人特训营 · 第 %d/%d 天：结业考试** @%s\n共 %d 题，%d 分及格，答完后公布成绩并通知主管。", d, c.Days, m.Name, len(qids), int(l.Opts.CampPassShare*100))
		if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: intro, Mentions: mention}); err != nil {
			return err
		}
		return l.StartPersonal(ctx, m, c.TeamID, dest, "exam", qids, "")
	}
	lessons := lesson.CampLessons(bank, d, c.Days)
	var b strings.Builder
	fmt.Fprintf(&b, "**新人特训营 · 第 %d/%d 天：%s** @%s\n", d, c.Days, plan.Theme, m.Name)
	var qids []string
	for _, les := range lessons {
		if plan.Simulated {
			fmt.Fprintf(&b, "\n**模拟顾客 · %s**\n顾客：%s\n请想好你的回复，发给主管或带教老师点评：%s\n", les.Topic, strings.TrimSpace(les.Case), les.Prompt)
		} else {
			fmt.Fprintf(&b, "\n**%s**\n%s\n", les.Topic, strings.TrimSpace(les.Knowledge))
		}
		qids = append(qids, lesson.PickQuestions(les, 2)...)
	}
	if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: strings.TrimRight(b.String(), "\n"), Mentions: mention}); err != nil {
		return err
	}
	if len(qids) == 0 {
		return nil
	}
	return l.StartPersonal(ctx, m, c.TeamID, dest, "camp", qids, fmt.Sprintf("今天的练习共 %d 题，答完一题立刻告诉你对错。", len(qids)))
}

// finishExam grades a camp exam: pass ends the camp, fail extends it; the
// supervisor hears either way.
func (l *Lessons) finishExam(ctx context.Context, p *lesson.Personal) error {
	c, err := l.Repo.Camp(ctx, p.Member)
	if err != nil {
		return err
	}
	m := l.Bot.Directory.Member(p.Member)
	if c == nil || m == nil {
		return nil
	}
	pct := p.Correct * 100 / max(1, len(p.QIDs))
	c.Exams = append(c.Exams, pct)
	team := l.Bot.Directory.Team(c.TeamID)
	sup := supervisorsOf(l.Bot.Directory, team, c.Platform)
	var msg string
	if float64(p.Correct) >= l.Opts.CampPassShare*float64(len(p.QIDs)) {
		c.Status = "passed"
		msg = fmt.Sprintf("🎓 **%s 通过新人特训营结业考试**：%d 分（答对 %d/%d 题）。主管请知悉，可以安排正式上岗。", m.Name, pct, p.Correct, len(p.QIDs))
	} else {
		c.Days += l.Opts.CampExtend
		msg = fmt.Sprintf("**%s 的结业考试未通过**：%d 分（答对 %d/%d 题，%d 分及格）。特训营延长 %d 天，共 %d 天，最后一天补考。主管请知悉，可安排带教老师重点辅导。",
			m.Name, pct, p.Correct, len(p.QIDs), int(l.Opts.CampPassShare*100), l.Opts.CampExtend, c.Days)
	}
	if err := l.Repo.SaveCamp(ctx, c); err != nil {
		return err
	}
	l.log.Info("camp exam", "member_id", m.ID, "team_id", c.TeamID, "score", pct, "status", c.Status)
	return l.Bot.Send(ctx, campDest(c), bot.Message{Markdown: msg, Mentions: sup})
}

// CampStatus renders the team's camps.
func (l *Lessons) CampStatus(ctx context.Context, t *bot.Team) (string, error) {
	camps, err := l.Repo.Camps(ctx)
	if err != nil {
		return "", err
	}
	now := l.now()
	var b strings.Builder
	fmt.Fprintf(&b, "**%s 新人特训营**\n", t.Name)
	n := 0
	for _, c := range camps {
		if c.TeamID != t.ID {
			continue
		}
		name := c.Member
		if m := l.Bot.Directory.Member(c.Member); m != nil {
			name = m.Name
		}
		n++
		if c.Status == "passed" {
			fmt.Fprintf(&b, "- %s：已结业（%v 分）\n", name, c.Exams[len(c.Exams)-1])
			continue
		}
		fmt.Fprintf(&b, "- %s：第 %d/%d 天（%s）", name, min(campDayOf(c, now), c.Days), c.Days, lesson.CampPlan(min(campDayOf(c, now), c.Days), c.Days).Theme)
		if len(c.Exams) > 0 {
			fmt.Fprintf(&b, "，考试成绩 %v", c.Exams)
		}
		b.WriteString("\n")
	}
	if n == 0 {
		return "本团队没有进行中的新人特训营。主管可以发送 /camp start @名字 开启。", nil
	}
	return strings.TrimRight(b.String(), "\n"), nil
}
