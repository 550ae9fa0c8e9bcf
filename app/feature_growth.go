package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/growth/growthbot"
	"github.com/banzu-bot/banzu/handlers"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// Growing people: levels and promotion (/level, /path), one-to-ones
// (/talk, /talks and the monthly reminder). See package growth.
func growthFeature(h *handlers.Growth, b *bot.Bot) Feature {
	talks := &growthbot.Talks{St: h.St, Cfg: h.Cfg, Targets: h.Targets}
	return Feature{Name: "growth", Commands: h.Commands(), Jobs: talks.Jobs(b)}
}

// newGrowth is the growth feature's handler, built from config. A promotion
// is told to onPromotion (the 伯乐奖 follow-up).
func newGrowth(st store.Store, cfg *config.Config, kb *knowledge.Service, lessons *lesson.Repo,
	onPromotion func(context.Context, growth.Promotion) (string, error)) *handlers.Growth {
	return &handlers.Growth{
		St: st, Cfg: cfg.Growth, Targets: cfg.Targets,
		Knowledge: kb, Lessons: lessons,
		Listeners: []growth.Listener{growth.ListenerFunc(onPromotion)},
	}
}

// TalkStats provides the workbook's 面谈 sheet (for ReportBuilder).
func (a *App) TalkStats() reports.TalkStats { return growthbot.TalkStats{St: a.Store} }

// referralFollowUp is the 伯乐奖 follow-up of a promotion: a hire referred
// with a standing 伯乐奖 and promoted within the reminder months earns the
// referrer the promotion bonus, recorded once in the recognition ledger;
// the referrer and the supervisor who gave the award hear of it privately.
func (a *App) referralFollowUp(ctx context.Context, p growth.Promotion) (string, error) {
	svc := a.awards.Svc
	e, ref, created, err := svc.ReferralFollowUp(ctx, p.Team, p.Member, p.HireDate, growth.Label(p.To), p.At)
	name := func(id string) string {
		if m := a.Bot.Directory.Member(id); m != nil {
			return m.Name
		}
		return id
	}
	switch {
	case errors.Is(err, awards.ErrNoReferral):
		return "", nil
	case errors.Is(err, awards.ErrTooLate):
		return fmt.Sprintf("（%s 的伯乐奖（#%d）已超过 %d 个月，这次晋升不发伯乐奖晋升奖金。）", name(ref.Member), ref.Seq, svc.Cfg.ReferralReminderMonths), nil
	case err != nil:
		return "", err
	case !created:
		return "", nil
	}
	bonus := svc.Cfg.ReferralPromotionBonus
	tell := func(id, text string) {
		if err := a.Bot.SendMember(ctx, id, bot.Message{Markdown: text}); err != nil {
			a.Log.Warn("referral follow-up not delivered", "user_id", id, "error", err)
		}
	}
	tell(e.Member, fmt.Sprintf("🎉 你推荐的 %s 已晋升为%s，你获得伯乐奖晋升奖金 %d 元（荣誉记录 #%d）。谢谢你为团队找到好伙伴！", name(p.Member), growth.Label(p.To), bonus, e.Seq))
	if ref.By != "" && ref.By != p.By {
		tell(ref.By, fmt.Sprintf("⏰ 伯乐奖跟进：%s 推荐的 %s 已晋升为%s，请为 %s 发放伯乐奖晋升奖金 %d 元（荣誉记录 #%d）。", name(e.Member), name(p.Member), growth.Label(p.To), name(e.Member), bonus, e.Seq))
	}
	return fmt.Sprintf("🏅 伯乐奖跟进：%s 推荐的 %s 入职 %d 个月内晋升，%s 获得伯乐奖晋升奖金 %d 元（已记入荣誉记录 #%d），请安排发放。",
		name(e.Member), name(p.Member), svc.Cfg.ReferralReminderMonths, name(e.Member), bonus, e.Seq), nil
}
