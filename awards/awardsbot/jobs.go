// Package awardsbot is the recognition feature's chat side beyond its
// commands: the monthly ceremony and the 伯乐奖 reminders as jobs, the demo
// seeder and the workbook's 荣誉勋章 adapter. The commands are in handlers.
package awardsbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/period"
)

// Awards runs the recognition feature's scheduled work and demo data.
type Awards struct {
	Svc *awards.Service
}

// Jobs are the monthly ceremony and the daily 伯乐奖 reminder check.
func (h *Awards) Jobs(b *bot.Bot) []*jobs.Job {
	ceremony := func(ctx context.Context, teamID string, slot time.Time) (bool, error) {
		return h.Ceremony(ctx, b, teamID, slot)
	}
	remind := func(ctx context.Context, teamID string, slot time.Time) (int, error) {
		return h.Remind(ctx, b, teamID, slot)
	}
	return []*jobs.Job{
		jobs.PerTeam("awards-ceremony", "月度颁奖：上个月的月度称号、新获勋章、离青铜只差一个月的伙伴", "0 10 1 * *", ceremony),
		jobs.PerTeam("awards-reminders", "伯乐奖提醒：新人入职满 6 个月时提醒主管确认晋升奖金", "0 9 * * *", remind),
	}
}

// Ceremony grants and announces a team's awards for the month before slot.
// Granting is idempotent; the post is sent once per team and month. It
// reports whether it posted.
func (h *Awards) Ceremony(ctx context.Context, b *bot.Bot, teamID string, slot time.Time) (bool, error) {
	return h.ceremony(ctx, b, teamID, slot, b.PostTeam)
}

// ceremony is Ceremony with the post sent by post (the demo's goes to the
// console only).
func (h *Awards) ceremony(ctx context.Context, b *bot.Bot, teamID string, slot time.Time, post func(context.Context, string, bot.Message) error) (bool, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return false, fmt.Errorf("unknown team %q", teamID)
	}
	slot = slot.In(b.Location())
	month := period.Month(period.Month(slot).From.AddDate(0, 0, -1))
	agents, err := AgentsAt(ctx, b, t, month.End()) // levels as the month ended
	if err != nil {
		return false, err
	}
	c, err := h.Svc.RunCeremony(ctx, teamID, agents, month.From, b.Now())
	if err != nil {
		return false, err
	}
	log := b.Logger().With("job", "awards-ceremony", "team_id", teamID, "month", c.Month)
	winners := map[string]bool{}
	var mentions []string
	mention := func(id string) {
		if !winners[id] {
			winners[id] = true
			mentions = append(mentions, id)
		}
	}
	for _, tt := range c.Titles {
		for _, w := range tt.Winners {
			mention(w.Member)
		}
	}
	for _, e := range c.Badges {
		mention(e.Member)
	}
	if len(mentions) == 0 {
		log.Info("ceremony: nothing to announce (no KPI data or nobody qualified)", "created", c.Created)
		return false, nil
	}
	key := "ceremony/" + teamID + "/" + c.Month
	first, err := h.Svc.MarkSent(ctx, key, b.Now())
	if err != nil || !first {
		if err == nil {
			log.Info("ceremony already posted", "created", c.Created)
		}
		return false, err
	}
	msg := bot.Message{Markdown: ceremonyText(b, t.Name, c, h.Svc.Cfg), Title: t.Name + " " + c.Label + " 月度荣誉榜", Mentions: mentions}
	if err := post(ctx, teamID, msg); err != nil {
		_ = h.Svc.Unmark(ctx, key)
		return false, err
	}
	log.Info("ceremony posted", "created", c.Created, "winners", len(mentions))
	return true, nil
}

// Remind sends the due 伯乐奖 reminders of a team, each once, to the
// supervisor who gave the award (the team's supervisors when they cannot be
// reached). It returns how many it sent.
func (h *Awards) Remind(ctx context.Context, b *bot.Bot, teamID string, slot time.Time) (int, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return 0, fmt.Errorf("unknown team %q", teamID)
	}
	today := period.Day(slot.In(b.Location())).Format(period.Layout)
	due, err := h.Svc.DueReferrals(ctx, teamID, today)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, e := range due {
		key := fmt.Sprintf("referral/%d", e.Seq)
		first, err := h.Svc.MarkSent(ctx, key, b.Now())
		if err != nil {
			return sent, err
		}
		if !first {
			continue
		}
		msg := bot.Message{Markdown: referralReminder(b, e, h.Svc.Cfg.ReferralReminderMonths, h.Svc.Cfg.ReferralPromotionBonus)}
		err = errNoGiver
		if e.By != "" {
			err = b.SendMember(ctx, e.By, msg)
		}
		if errors.Is(err, bot.ErrNoDestination) || errors.Is(err, errNoGiver) {
			err = b.NotifySupervisors(ctx, t.ID, msg)
		}
		if err != nil {
			_ = h.Svc.Unmark(ctx, key)
			return sent, err
		}
		sent++
	}
	return sent, nil
}

var errNoGiver = errors.New("no giver")

func referralReminder(b *bot.Bot, e *awards.Entry, months, bonus int) string {
	hire := NameOf(b, e.Subject)
	since := " "
	if m := b.Directory.Member(e.Subject); m != nil && m.Config.HireDate != "" {
		since = "（" + m.Config.HireDate + " 入职）"
	}
	return fmt.Sprintf("⏰ **伯乐奖提醒**\n%s 推荐的 %s%s已入职满 %d 个月。\n如果 %s 已在 %d 个月内晋升，请为 %s 发放伯乐奖晋升奖金 %d 元。（伯乐奖 #%d，%s 颁发）",
		NameOf(b, e.Member), hire, since, months, hire, months, NameOf(b, e.Member), bonus, e.Seq, DateOf(e))
}
