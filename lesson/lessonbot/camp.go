package lessonbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
)

// campDest is where a camp's days, practice and exam go: the new hire's
// private chat on the camp's platform, or the team chat when banzu cannot
// reach them one to one there.
func campDest(c *lesson.Camp) bot.Destination {
	if c.UserID != "" {
		return bot.Destination{Platform: c.Platform, UserID: c.UserID, TeamID: c.TeamID}
	}
	return campGroup(c)
}

// campGroup is the team chat the camp was started in.
func campGroup(c *lesson.Camp) bot.Destination {
	return bot.Destination{Platform: c.Platform, ChatID: c.ChatID, TeamID: c.TeamID}
}

// campSupervisors are who hears a camp's results: the team's supervisors
// and whoever started the camp.
func (l *Lessons) campSupervisors(c *lesson.Camp) []*bot.Member {
	var out []*bot.Member
	seen := map[string]bool{}
	for _, m := range l.Bot.Directory.Supervisors(c.TeamID) {
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	if m := l.Bot.Directory.Member(c.StartedBy); m != nil && !seen[m.ID] && m.ID != c.Member {
		out = append(out, m)
	}
	return out
}

func platformUserID(m *bot.Member, platform string) string {
	if id := m.UserID(platform); id != "" {
		return id
	}
	return m.ID
}

// StartCamp begins a new hire's seven-day camp and runs day 1.
func (l *Lessons) StartCamp(ctx context.Context, req *bot.Request, m *bot.Member) error {
	if l.NewHire != nil {
		if days, known, isNew := l.NewHire(m.Config.HireDate, req.Now()); known && !isNew {
			return bot.Userf("%s 入职已 %d 天，不再是新人，新人特训营只给新入职的同事开（入职日期见配置 hire_date）。", m.Name, days)
		}
	}
	if c, err := l.Repo.Camp(ctx, m.ID); err != nil {
		return err
	} else if c != nil && c.Status == "active" {
		return bot.Userf("%s 的新人特训营已经在进行中（第 %d/%d 天）。发送 /camp status 查看进度。", m.Name, min(campDayOf(c, req.Now()), c.Days), c.Days)
	}
	d := req.ReplyTo()
	c := &lesson.Camp{Member: m.ID, TeamID: req.Team.ID, Platform: d.Platform, ChatID: d.ChatID, UserID: m.UserID(d.Platform),
		StartDay: lesson.Day(req.Now()), Days: 7, Status: "active", StartedBy: req.Member.ID}
	where := "本群"
	if c.UserID != "" {
		where = " " + m.Name + " 的私聊"
	}
	if err := l.Repo.SaveCamp(ctx, c); err != nil {
		return err
	}
	if err := req.ReplyText(ctx, fmt.Sprintf("已为 %s 开启新人7天特训营：第 1–2 天企业文化与商品知识，第 3–4 天服务流程演练，第 5–6 天模拟顾客实战，第 7 天结业考试（%d 分及格，未通过自动延长 %d 天）。今天的内容现在发出，之后每天 9:00 把当天内容和练习发到%s，考试结果会通知主管。",
		m.Name, l.passPercent(), l.Opts.CampExtend, where)); err != nil {
		return err
	}
	return l.runCampDay(ctx, c, 1)
}

func (l *Lessons) passPercent() int { return int(l.Opts.CampPassShare*100 + 0.5) }

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
	var mention []string
	at := ""
	if c.UserID == "" { // in the team chat: name the new hire
		mention = []string{platformUserID(m, c.Platform)}
		at = " @" + m.Name
	}
	if plan.Exam {
		qids := lesson.ExamQuestions(bank, l.Opts.CampExamSize, fmt.Sprintf("%s/%d", c.Member, d))
		intro := fmt.Sprintf("**新人特训营 · 第 %d/%d 天：结业考试**%s\n共 %d 题，%d 分及格。每题只答一次，答完全部题目后公布成绩，并通知主管。", d, c.Days, at, len(qids), l.passPercent())
		if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: intro, Mentions: mention}); err != nil {
			return err
		}
		return l.StartPersonal(ctx, m, c.TeamID, dest, "exam", qids, "")
	}
	lessons := lesson.CampLessons(bank, d, c.Days)
	var b strings.Builder
	fmt.Fprintf(&b, "**新人特训营 · 第 %d/%d 天：%s**%s\n", d, c.Days, plan.Theme, at)
	var qids []string
	for _, les := range lessons {
		if plan.Simulated {
			fmt.Fprintf(&b, "\n**模拟顾客 · %s**\n%s\n**想一想**：%s\n", les.Topic, strings.TrimSpace(les.Case), strings.TrimSpace(les.Prompt))
		} else {
			fmt.Fprintf(&b, "\n**%s**\n%s\n", les.Topic, strings.TrimSpace(les.Knowledge))
		}
		qids = append(qids, lesson.PickQuestions(les, 2)...)
	}
	if plan.Simulated && len(lessons) > 0 {
		b.WriteString("\n把你对每位顾客的回复写下来，发给主管或带教老师点评。")
	}
	if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: strings.TrimRight(b.String(), "\n"), Mentions: mention}); err != nil {
		return err
	}
	if len(qids) == 0 {
		return nil
	}
	return l.StartPersonal(ctx, m, c.TeamID, dest, "camp", qids, fmt.Sprintf("今天的练习共 %d 题，答完一题立刻告诉你对错。作答：点选项，或直接发送答案（A、AC、对/错、填空写答案）。", len(qids)))
}

// finishExam grades a camp exam. A pass ends the camp: the new hire is
// congratulated and the team chat hears it, naming the supervisors. A fail
// extends the camp: the new hire hears it privately with the way on, and
// the supervisors in their private chats (in the team chat only when banzu
// cannot reach them one to one).
func (l *Lessons) finishExam(ctx context.Context, p *lesson.Personal) error {
	c, err := l.Repo.Camp(ctx, p.Member)
	if err != nil {
		return err
	}
	m := l.Bot.Directory.Member(p.Member)
	if c == nil || m == nil || c.Status != "active" {
		return nil
	}
	n := len(p.QIDs)
	pct := p.Correct * 100 / max(1, n)
	c.Exams = append(c.Exams, pct)
	sups := l.campSupervisors(c)
	var supIDs, supAt []string
	for _, s := range sups {
		supIDs = append(supIDs, platformUserID(s, c.Platform))
		supAt = append(supAt, "@"+s.Name)
	}
	passed := float64(p.Correct) >= l.Opts.CampPassShare*float64(n)-1e-9
	today := campDayOf(c, l.now())
	if passed {
		c.Status = "passed"
	} else {
		c.Days = max(c.Days, today) + l.Opts.CampExtend
	}
	if err := l.Repo.SaveCamp(ctx, c); err != nil {
		return err
	}
	l.log.Info("camp exam", "member_id", m.ID, "team_id", c.TeamID, "score", pct, "status", c.Status, "days", c.Days)
	dest := campDest(c)
	if passed {
		if c.UserID != "" {
			if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: fmt.Sprintf("🎓 **恭喜你通过新人特训营结业考试**：%d 分（答对 %d/%d 题）。这几天辛苦了，欢迎正式加入%s！答错的题已放进错题本，发送 /错题本 查看。", pct, p.Correct, n, teamName(l.Bot.Directory, c.TeamID))}); err != nil {
				return err
			}
		}
		msg := fmt.Sprintf("🎓 **恭喜 @%s 通过新人特训营结业考试**：%d 分（答对 %d/%d 题，%d 分及格）。", m.Name, pct, p.Correct, n, l.passPercent())
		if len(supAt) > 0 {
			msg += strings.Join(supAt, " ") + " 请知悉，可以安排正式上岗。"
		}
		return l.Bot.Send(ctx, campGroup(c), bot.Message{Markdown: msg, Mentions: append([]string{platformUserID(m, c.Platform)}, supIDs...)})
	}
	wrong := ""
	if len(p.Wrong) > 0 {
		wrong = "，答错的题已放进错题本，发送 /复习 练习"
	}
	mine := fmt.Sprintf("**结业考试未通过**：%d 分（答对 %d/%d 题，%d 分及格）。别灰心，特训营延长 %d 天，继续模拟顾客实战，第 %d 天补考%s。",
		pct, p.Correct, n, l.passPercent(), l.Opts.CampExtend, c.Days, wrong)
	if c.UserID == "" {
		mine = "@" + m.Name + " " + mine
	}
	if err := l.Bot.Send(ctx, dest, bot.Message{Markdown: mine}); err != nil {
		return err
	}
	var unreached []string
	for _, s := range sups {
		msg := fmt.Sprintf("@%s **%s 的结业考试未通过**：%d 分（答对 %d/%d 题，%d 分及格）。特训营延长 %d 天，共 %d 天，第 %d 天补考。建议安排带教老师重点辅导，发送 /camp status 查看进度。",
			s.Name, m.Name, pct, p.Correct, n, l.passPercent(), l.Opts.CampExtend, c.Days, c.Days)
		err := l.Bot.SendMember(ctx, s.ID, bot.Message{Markdown: msg})
		if errors.Is(err, bot.ErrNoDestination) {
			unreached = append(unreached, platformUserID(s, c.Platform))
			continue
		}
		if err != nil {
			return err
		}
	}
	if len(unreached) > 0 {
		msg := fmt.Sprintf("**%s 的结业考试未通过**：%d 分（答对 %d/%d 题）。特训营延长 %d 天，第 %d 天补考。", m.Name, pct, p.Correct, n, l.Opts.CampExtend, c.Days)
		return l.Bot.Send(ctx, campGroup(c), bot.Message{Markdown: msg, Mentions: unreached})
	}
	return nil
}

func teamName(dir *bot.Directory, id string) string {
	if t := dir.Team(id); t != nil {
		return t.Name
	}
	return "团队"
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
			var scores []string
			for _, e := range c.Exams {
				scores = append(scores, fmt.Sprint(e))
			}
			fmt.Fprintf(&b, "，考试成绩 %s 分", strings.Join(scores, "、"))
		}
		b.WriteString("\n")
	}
	if n == 0 {
		return "本团队没有进行中的新人特训营。主管可以发送 /camp start @名字 开启。", nil
	}
	return strings.TrimRight(b.String(), "\n"), nil
}
