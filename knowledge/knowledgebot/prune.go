package knowledgebot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/knowledge"
)

// PruneJob is the weekly review of the knowledge base by feedback.
func (k *Knowledge) PruneJob(b *bot.Bot) *jobs.Job {
	prune := func(ctx context.Context, team string, slot time.Time) (bool, error) {
		return k.PostPrune(ctx, b, team, slot)
	}
	return jobs.PerTeam("knowledge-prune", "每周四知识库复盘：把没人用或多数人觉得没用的条目（至多两成）提给主管，建议下线", "0 10 * * 4", prune)
}

// PostPrune posts the entries proposed for retirement to the team's group,
// @-mentioning the supervisors; nothing (and false) when none is.
func (k *Knowledge) PostPrune(ctx context.Context, b *bot.Bot, teamID string, now time.Time) (bool, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return false, fmt.Errorf("unknown team %q", teamID)
	}
	props, err := k.Svc.Prune(ctx, teamID, now.In(b.Location()), k.Prune)
	if err != nil || len(props) == 0 {
		return false, err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s 知识库每周复盘**：建议下线 %d 条", t.Name, len(props))
	for i, p := range props {
		fmt.Fprintf(&sb, "\n%d. **%s** %s — %s", i+1, p.Entry.Ref(), knowledge.Clip(p.Entry.Question, 40), p.Why)
		if n := len(p.Feedback.Reasons); n > 0 {
			r := p.Feedback.Reasons[n-1]
			fmt.Fprintf(&sb, "（%s：%s）", r.Name, knowledge.Clip(r.Text, 40))
		}
	}
	sb.WriteString("\n\n{mention}请逐条确认：过时的发送 /retire 编号 原因 下线；仍然有用的发送 /verify 编号 或 /edit 编号 答案 更新。")
	return true, PostTeam(ctx, b, t, sb.String(), b.Directory.Leads(t.ID))
}
