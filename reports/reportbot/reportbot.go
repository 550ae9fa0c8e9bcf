// Package reportbot is the reports feature's chat side that is not a
// command: the roster turned into a report's teams, the workbook's file
// name and the monthly job that sends each manager last month's workbook.
// The /report command is in handlers; package reports knows no chat.
package reportbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/growth"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/store"
)

// Monthly sends managers their monthly workbook.
type Monthly struct {
	Builder *reports.Builder
}

// ReportTeam turns a roster team into a report's team.
func ReportTeam(dir *bot.Directory, t *bot.Team) reports.Team {
	rt := reports.Team{ID: t.ID, Name: t.Name}
	for _, m := range t.Members {
		rt.Members = append(rt.Members, reports.Member{ID: m.ID, Name: m.Name, Level: dir.LevelOf(m), Agent: dir.RoleOf(m) == bot.RoleAgent})
	}
	return rt
}

// AtLevels sets each member's level in teams to the one held as the
// report's period ended, so a promotion after it does not judge the period
// against the new level's targets.
func AtLevels(ctx context.Context, st store.Store, teams []reports.Team, end time.Time) error {
	h, err := growth.LoadHistory(ctx, st)
	if err != nil {
		return err
	}
	for i := range teams {
		for j := range teams[i].Members {
			m := &teams[i].Members[j]
			m.Level = h.At(m.ID, m.Level, end)
		}
	}
	return nil
}

// TeamNames joins the teams' names: "售前组、售后组", or the first three and
// a count for more.
func TeamNames(teams []*bot.Team) string {
	names := make([]string, len(teams))
	for i, t := range teams {
		names[i] = t.Name
	}
	if len(names) > 3 {
		return fmt.Sprintf("%s等 %d 个团队", strings.Join(names[:3], "、"), len(names))
	}
	return strings.Join(names, "、")
}

// fileNameReplacer keeps characters out of file names that file systems or
// URLs choke on.
var fileNameReplacer = strings.NewReplacer("/", "_", "\\", "_", ":", "_", "*", "_", "?", "_", "\"", "_",
	"<", "_", ">", "_", "|", "_", " ", "_", "#", "_", "%", "_", "（", "_", "）", "", "、", "_")

// FileName is the workbook's file name, e.g. 班组报表_售前组_2026-10-01_2026-10-31.xlsx.
func FileName(subject string, r period.Range) string {
	return fileNameReplacer.Replace("班组报表_"+subject+"_"+r.FromDate()+"_"+r.ToDate()) + ".xlsx"
}

// Job sends each manager last month's workbook for their teams as a
// direct message, on the 1st at 09:00 by default.
func (h *Monthly) Job(b *bot.Bot) *jobs.Job {
	return &jobs.Job{
		Name:        "report-monthly",
		Description: "每月给经理私信发送上月的 Excel 报表（所管团队）",
		DefaultSpec: "0 9 1 * *",
		Fn: func(ctx context.Context, run jobs.Run) error {
			return h.Send(ctx, b, run.Slot)
		},
	}
}

// Send sends every manager the workbook of the month before slot.
func (h *Monthly) Send(ctx context.Context, b *bot.Bot, slot time.Time) error {
	slot = slot.In(b.Location())
	r := period.Month(time.Date(slot.Year(), slot.Month(), 1, 0, 0, 0, 0, slot.Location()).AddDate(0, 0, -1))
	dir := b.Directory
	seen := map[string]bool{}
	var errs []error
	for _, t := range dir.Teams() {
		for _, m := range t.Members {
			if seen[m.ID] || dir.RoleOf(m) != bot.RoleManager {
				continue
			}
			seen[m.ID] = true
			var teams []*bot.Team
			for _, id := range m.Teams {
				if mt := dir.Team(id); mt != nil {
					teams = append(teams, mt)
				}
			}
			if err := h.sendManager(ctx, b, m, teams, r); err != nil {
				b.Logger().Error("monthly report", "user_id", m.ID, "error", err)
				errs = append(errs, fmt.Errorf("%s: %w", m.ID, err))
			}
		}
	}
	return errors.Join(errs...)
}

func (h *Monthly) sendManager(ctx context.Context, b *bot.Bot, m *bot.Member, teams []*bot.Team, r period.Range) error {
	rq := &reports.Request{From: r.From, To: r.To, Label: r.Label, Private: true}
	for _, t := range teams {
		rq.Teams = append(rq.Teams, ReportTeam(b.Directory, t))
	}
	if err := AtLevels(ctx, b.Store, rq.Teams, r.End()); err != nil {
		return err
	}
	subject := TeamNames(teams)
	data, _, err := h.Builder.Bytes(ctx, rq)
	if errors.Is(err, reports.ErrNoData) {
		return b.SendMember(ctx, m.ID, bot.Message{Markdown: fmt.Sprintf("%s，%s 的月度报表：%s 这个月没有 KPI 数据，所以没有生成报表。", m.Name, r.Label, subject)})
	}
	if err != nil {
		return err
	}
	if err := b.SendMember(ctx, m.ID, bot.Message{Markdown: fmt.Sprintf("%s，这是 %s 的月度报表（%s），请查收附件。", m.Name, r.Label, subject)}); err != nil {
		return err
	}
	return b.SendMember(ctx, m.ID, bot.Message{
		Title: "月度报表：" + subject + " · " + r.Label,
		File:  &bot.File{Name: FileName(subject, r), ContentType: reports.ContentType, Data: data},
	})
}
