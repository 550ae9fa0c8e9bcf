package knowledgebot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/store"
)

// forcedAsks marks the open questions asked with "!" (team/ask id): the
// asker found the knowledge base's answer no help.
const forcedAsks = "knowledge.asks.forced"

func askKey(team string, id int64) string { return fmt.Sprintf("%s/%d", team, id) }

// MarkForced records that the team's question id was asked with "!": the
// base's answer did not help, so the weekly list keeps it even while the
// base has an answer.
func MarkForced(ctx context.Context, st store.Store, team string, id int64) error {
	return st.Put(ctx, forcedAsks, askKey(team, id), []byte("1"))
}

// PostUnanswered posts the team's most asked open questions of the week
// before now to its group, @-mentioning the supervisors. It posts nothing
// (and reports false) when nobody asked anything.
func (k *Knowledge) PostUnanswered(ctx context.Context, b *bot.Bot, teamID string, now time.Time) (bool, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return false, fmt.Errorf("unknown team %q", teamID)
	}
	all, err := k.Svc.Unanswered(ctx, teamID, now.In(b.Location()))
	if err != nil {
		return false, err
	}
	// A question the base answers now (an entry approved, imported or edited
	// since it was asked) is not open: /ask gives its answer. One asked with
	// "!" because that answer did not help stays.
	var top []knowledge.AskCount
	for _, a := range all {
		if _, err := b.Store.Get(ctx, forcedAsks, askKey(teamID, a.Ask.ID)); err == nil {
			top = append(top, a)
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		m, err := k.Svc.Answer(ctx, teamID, a.Ask.Question)
		if err != nil {
			return false, err
		}
		if m == nil {
			top = append(top, a)
		}
	}
	if len(top) == 0 {
		return false, nil
	}
	set := k.Svc.Settings()
	var sb strings.Builder
	fmt.Fprintf(&sb, "**本周高频未解答问题 Top %d**（%s，近 %d 天）", len(top), t.Name, set.UnansweredDays)
	for i, a := range top {
		fmt.Fprintf(&sb, "\n%d. %s（%d 次，%d 人问过）", i+1, knowledge.Clip(a.Ask.Question, 50), a.Recent, len(a.Ask.Askers))
	}
	sups := b.Directory.Leads(t.ID)
	return true, PostTeam(ctx, b, t, sb.String()+"\n\n{mention}请安排解答。知道答案的同事可以用 /submit 投稿，通过后计入知识贡献王。", sups)
}

// PostVerifyReminder lists the team's entries due for re-verification now or
// within Settings.DueSoonDays, @-mentioning their owners. It posts nothing
// (and reports false) when nothing is due.
func (k *Knowledge) PostVerifyReminder(ctx context.Context, b *bot.Bot, teamID string, now time.Time) (bool, error) {
	t := b.Directory.Team(teamID)
	if t == nil {
		return false, fmt.Errorf("unknown team %q", teamID)
	}
	set := k.Svc.Settings()
	now = now.In(b.Location())
	due, err := k.Svc.DueBy(ctx, teamID, now.AddDate(0, 0, set.DueSoonDays))
	if err != nil || len(due) == 0 {
		return false, err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**知识复核提醒**（%s）：%d 条已到期或 %d 天内到期", t.Name, len(due), set.DueSoonDays)
	var owners []*bot.Member
	seen := map[string]bool{}
	const show = 30
	for i, e := range due {
		if i == show {
			fmt.Fprintf(&sb, "\n…… 还有 %d 条，发送 /kb 查看。", len(due)-show)
			break
		}
		when := "到期 " + Date(e.VerifyDue, b.Location())
		if days := int(now.Sub(e.VerifyDue).Hours() / 24); !e.VerifyDue.After(now) {
			when += fmt.Sprintf("，已过期 %d 天", days)
		}
		fmt.Fprintf(&sb, "\n- %s · 负责人 %s · %s", EntryLine(e), e.OwnerName, when)
		if m := b.Directory.Member(e.Owner); m != nil && !seen[m.ID] && InTeam(m, t) {
			seen[m.ID] = true
			owners = append(owners, m)
		}
	}
	text := sb.String() + "\n\n{mention}请确认内容仍然正确后发送 /verify 编号；过时的条目请主管发送 /retire 编号 原因。"
	return true, PostTeam(ctx, b, t, text, owners)
}
