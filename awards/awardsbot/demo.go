package awardsbot

import (
	"context"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/period"
)

// The hand-given recognition --demo records in 售前组 (when the demo roster
// is in use): 陈主管 gives 小李 a 委屈奖 and pairs 阿杰 with 小王.
const (
	demoTeam      = "presale"
	demoGiver     = "chen"
	demoAggrieved = "xiaoli"
	demoReason    = "大促期间连续被同一位客户辱骂，始终耐心专业，妥善办完退款"
	demoMentor    = "ajie"
	demoMentee    = "xiaowang"
)

// Seeder gives --demo its recognition: last month's ceremony for every team,
// decided from the seeded KPI history and knowledge (one post per team, as
// the monthly job makes), plus a 委屈奖 and a mentoring pair. Everything
// goes through the service's idempotent grants, so a retry adds nothing.
func (h *Awards) Seeder() demo.Seeder {
	return demo.Seeder{Name: "awards", After: []string{"welcome", "kpi-history", "knowledge"},
		Seed: func(ctx context.Context, b *bot.Bot) error {
			now := b.Now()
			for _, t := range b.Directory.Teams() {
				if _, err := h.ceremony(ctx, b, t.ID, now, consolePost(b)); err != nil {
					return err
				}
			}
			return h.seedGiven(ctx, b)
		}}
}

// consolePost posts in a team's console chat only, like the demo's welcome:
// demo figures must not reach a real WeCom or DingTalk group.
func consolePost(b *bot.Bot) func(context.Context, string, bot.Message) error {
	return func(ctx context.Context, teamID string, msg bot.Message) error {
		// Member ids are console user ids, so msg.Mentions stand as they are.
		return b.Send(ctx, bot.Destination{Platform: "console", ChatID: teamID, TeamID: teamID}, msg)
	}
}

// seedGiven records the demo's hand-given recognition, silently (the
// commands would post; the demo's chats get only the ceremony).
func (h *Awards) seedGiven(ctx context.Context, b *bot.Bot) error {
	d := b.Directory
	t := d.Team(demoTeam)
	in := func(id string) bool { return t != nil && d.FindInTeam(t, id) != nil }
	now := b.Now()
	if in(demoGiver) && in(demoAggrieved) {
		// Given during last month's promotion (the 18th, 16:00).
		at := period.Month(now).From.AddDate(0, -1, 17).Add(16 * time.Hour)
		e := awards.Entry{Award: awards.Grievance, Member: demoAggrieved, Team: demoTeam, By: demoGiver, Reason: demoReason, At: at}
		if _, _, err := h.Svc.Give(ctx, e, "demo/"+awards.Grievance+"/"+demoAggrieved); err != nil {
			return err
		}
	}
	if in(demoGiver) && in(demoMentor) && in(demoMentee) {
		if _, _, err := h.Svc.Mentor(ctx, demoTeam, demoMentor, demoMentee, demoGiver, now); err != nil {
			return err
		}
	}
	return nil
}
