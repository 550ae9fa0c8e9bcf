package lessonbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/wording"
)

// PracticeSteps is what the lesson runtime asks of 实操演练: turn a planned
// lesson into a practice (Plan, before the session is stored), post the
// customer message (Open, the StepPractice step) and end it (End, the
// results step of a practice session).
type PracticeSteps interface {
	Plan(ctx context.Context, s *lesson.Session, chosen *lesson.Lesson) error
	Open(ctx context.Context, s *lesson.Session, now time.Time) error
	End(ctx context.Context, s *lesson.Session, now time.Time) error
}

// drillColl marks a team's next lesson as a practice (set by /drill):
// team -> when it was asked.
const drillColl = "lesson.drill"

// drillMarkFor is how long a /drill mark waits for its lesson to start.
const drillMarkFor = time.Minute

// practicePoints turns a practice score (0 to 100) into points, on the
// scale of the quiz (up to 1000 for a full answer).
const practicePoints = 10

// Drills is 实操演练: /drill starts a lesson whose 7-minute slot is a
// practice task, agents answer privately with /reply, the 话术 check and
// the lesson's key points score each reply, and the best one is shown.
type Drills struct {
	Lessons *Lessons
	// Check reads a reply with the team's 话术 lists.
	Check func(ctx context.Context, team, text string) (*wording.Result, error)
}

var _ PracticeSteps = (*Drills)(nil)

// Plan makes the session a practice when /drill asked for it just now.
func (d *Drills) Plan(ctx context.Context, s *lesson.Session, chosen *lesson.Lesson) error {
	if s.Kind != lesson.KindLesson {
		return nil
	}
	st := d.Lessons.Bot.Store
	raw, err := st.Get(ctx, drillColl, s.TeamID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := st.Delete(ctx, drillColl, s.TeamID); err != nil {
		return err
	}
	at, err := time.Parse(time.RFC3339Nano, string(raw))
	if err != nil || s.Start.Sub(at) > drillMarkFor {
		return nil // a stale mark: the lesson is a quiz
	}
	s.MakePractice(lesson.DerivePractice(chosen), d.Lessons.Opts)
	return nil
}

// Open posts the practice task to the lesson's chat.
func (d *Drills) Open(ctx context.Context, s *lesson.Session, now time.Time) error {
	p := s.Practice
	if p == nil {
		return fmt.Errorf("session %s has no practice", s.ID)
	}
	loc := d.Lessons.Bot.Location()
	var b strings.Builder
	fmt.Fprintf(&b, "🛠 **实操演练 · %s**（到 %s）\n顾客发来：\n> %s\n\n请私聊班组助手，发送 /reply 你的回复。", s.Topic, p.CloseAt.In(loc).Format("15:04"), p.Message)
	b.WriteString("\n按话术标准（禁忌用语、话术温度）")
	if len(p.Points) > 0 {
		fmt.Fprintf(&b, "和本课的 %d 个要点", len(p.Points))
	}
	b.WriteString("评分，截止前可以重发。结束时展示最佳回复：同意署名（/reply 署名）的显示名字，否则匿名。")
	return d.Lessons.Bot.Send(ctx, sessionDest(s), bot.Message{Markdown: b.String()})
}

// End posts the best reply, records points and history and ends the
// session.
func (d *Drills) End(ctx context.Context, s *lesson.Session, now time.Time) error {
	repo := d.Lessons.Repo
	replies, err := repo.PracticeReplies(ctx, s.ID)
	if err != nil {
		return err
	}
	sum := lesson.Summary{SessionID: s.ID, Kind: s.Kind, TeamID: s.TeamID, LessonID: s.LessonID, Topic: s.Topic,
		Start: s.Start, Scores: map[string]int{}}
	var b strings.Builder
	fmt.Fprintf(&b, "🏁 **实操演练结束 · %s**\n", s.Topic)
	if len(replies) == 0 {
		b.WriteString("这次没有人提交回复。下次实操演练，私聊班组助手发送 /reply 就能参加。")
	} else {
		total := 0
		for _, r := range replies {
			total += r.Score
		}
		fmt.Fprintf(&b, "共 %d 人提交回复，平均 %d 分。\n", len(replies), (total+len(replies)/2)/len(replies))
		best := replies[0]
		who := "一位同事"
		if best.Consent {
			who = nameOf(d.Lessons.Bot.Directory, best.Member)
		}
		fmt.Fprintf(&b, "🏆 最佳回复（%s，%d 分 · 话术温度 %d°", who, best.Score, best.Temperature)
		if n := len(s.Practice.Points); n > 0 {
			fmt.Fprintf(&b, " · 要点 %d/%d", len(best.Hit), n)
		}
		fmt.Fprintf(&b, "）：\n> %s", best.Text)
		if n := len(s.Practice.Points); n > 0 {
			fmt.Fprintf(&b, "\n\n本课要点：%s", strings.Join(s.Practice.Points, "；"))
		}
		b.WriteString("\n每人的得分已私信给本人。")
	}
	if err := d.Lessons.Bot.Send(ctx, sessionDest(s), bot.Message{Markdown: b.String()}); err != nil {
		return err
	}
	for _, r := range replies {
		pts := r.Score * practicePoints
		sum.Scores[r.Member] = pts
		if pts <= 0 {
			continue
		}
		e := lesson.PointsEntry{Member: r.Member, Team: s.TeamID, Points: pts, Reason: "实操演练：" + s.Topic, Source: "practice", Ref: s.ID, At: now}
		if err := repo.AddPoints(ctx, "practice:"+s.ID+":"+r.Member, e); err != nil {
			return err
		}
	}
	d.Lessons.log.Info("practice finished", "team_id", s.TeamID, "session", s.ID, "replies", len(replies))
	return repo.Finish(ctx, s, sum)
}

// nameOf is a member's name, or the id of someone no longer on the roster.
func nameOf(dir *bot.Directory, id string) string {
	if m := dir.Member(id); m != nil {
		return m.Name
	}
	return id
}

// StartDrill starts a lesson for team whose quiz is a practice task.
func (d *Drills) StartDrill(ctx context.Context, t *bot.Team, dest bot.Destination, topic, by string) (*lesson.Session, error) {
	st := d.Lessons.Bot.Store
	if err := st.Put(ctx, drillColl, t.ID, []byte(d.Lessons.now().Format(time.RFC3339Nano))); err != nil {
		return nil, err
	}
	s, err := d.Lessons.Start(ctx, t, dest, lesson.KindLesson, topic, by)
	if err != nil {
		_ = st.Delete(ctx, drillColl, t.ID)
	}
	return s, err
}

// Reply is one submitted practice reply, scored, with its 话术 check.
type Reply struct {
	lesson.PracticeReply
	Session *lesson.Session
	Check   *wording.Result
}

// Submit scores and keeps member's reply to the team's open practice; a
// later reply replaces it (and keeps the consent to be named).
func (d *Drills) Submit(ctx context.Context, team, member, text string) (*Reply, error) {
	now := d.Lessons.now()
	repo := d.Lessons.Repo
	s, err := repo.Active(ctx, team)
	if err != nil {
		return nil, err
	}
	if s == nil || !s.Practice.Open(now) {
		return nil, bot.Userf("现在没有进行中的实操演练。")
	}
	if n := len([]rune(text)); n > 500 {
		return nil, bot.Userf("回复太长了（%d 字），最多 500 字：顾客更喜欢简短清楚的回复。", n)
	}
	r, c, err := d.score(ctx, team, s.Practice, member, text, now)
	if err != nil {
		return nil, err
	}
	if prev, err := repo.PracticeReply(ctx, s.ID, member); err != nil {
		return nil, err
	} else if prev != nil {
		r.Consent = prev.Consent
	}
	if err := repo.SavePracticeReply(ctx, s.ID, r); err != nil {
		return nil, err
	}
	d.Lessons.log.Info("practice reply", "team_id", team, "session", s.ID, "user_id", member, "score", r.Score)
	return &Reply{PracticeReply: r, Session: s, Check: c}, nil
}

// Consent lets member's reply to the team's open practice be shown with
// their name.
func (d *Drills) Consent(ctx context.Context, team, member string) error {
	repo := d.Lessons.Repo
	s, err := repo.Active(ctx, team)
	if err != nil {
		return err
	}
	if s == nil || !s.Practice.Open(d.Lessons.now()) {
		return bot.Userf("现在没有进行中的实操演练。")
	}
	r, err := repo.PracticeReply(ctx, s.ID, member)
	if err != nil {
		return err
	}
	if r == nil {
		return bot.Userf("你还没有提交回复：先发送 /reply 你的回复。")
	}
	r.Consent = true
	return repo.SavePracticeReply(ctx, s.ID, *r)
}

// score reads a reply: 60% the 话术 temperature, 40% the key points
// covered, less 10 for every 禁忌 or absolute word.
func (d *Drills) score(ctx context.Context, team string, p *lesson.Practice, member, text string, now time.Time) (lesson.PracticeReply, *wording.Result, error) {
	c, err := d.Check(ctx, team, text)
	if err != nil {
		return lesson.PracticeReply{}, nil, err
	}
	hit := lesson.PointsHit(text, p.Points)
	cover := 1.0
	if len(p.Points) > 0 {
		cover = float64(len(hit)) / float64(len(p.Points))
	}
	score := int(0.6*float64(c.Temperature)+40*cover+0.5) - 10*len(c.Hits)
	r := lesson.PracticeReply{Member: member, Text: text, Score: min(max(score, 0), 100), Temperature: c.Temperature, Hit: hit, At: now}
	for _, h := range c.Hits {
		r.Flagged = append(r.Flagged, h.Word)
	}
	return r, c, nil
}
