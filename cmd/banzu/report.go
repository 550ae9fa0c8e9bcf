package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/reports"
	"github.com/banzu-bot/banzu/reports/reportbot"
	"github.com/banzu-bot/banzu/tmpdir"
)

func init() {
	commands["report"] = command{"report [--team T] [--month 2026-10 | --from 日期 --to 日期] [--agent 名字] [-o 文件]：生成 Excel 报表", reportCmd}
}

const reportUsage = "用法：banzu report [--team 团队] [--month 2026-10 | --from 2026-10-01 --to 2026-10-15] [--agent 名字] [-o 报表.xlsx]"

func reportCmd(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("report", stderr)
	team := fs.String("team", "", "团队 id 或名称，多个用逗号分隔（默认全部团队）")
	month := fs.String("month", "", "月份，如 2026-10、上月、本月")
	from := fs.String("from", "", "开始日期 YYYY-MM-DD（与 --to 一起用）")
	to := fs.String("to", "", "结束日期 YYYY-MM-DD（含）")
	agent := fs.String("agent", "", "只看一位客服（名字、id 或店铺子账号）")
	out := fs.String("o", "", "输出文件（默认 班组报表_团队_开始_结束.xlsx）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return fmt.Errorf("%v\n%s", err, reportUsage)
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	if len(cfg.Teams) == 0 {
		return errors.New("配置里还没有任何团队；请先在配置文件的 teams 中添加团队和成员（或用 --demo 试用演示公司）")
	}
	now := time.Now().In(cfg.Location())
	r, err := reportPeriod(*month, *from, *to, now)
	if err != nil {
		return fmt.Errorf("%v\n%s", err, reportUsage)
	}
	a, err := c.openApp(ctx, cfg, stderr, "请先停止它，或在群里发送 /report", true, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	teams, err := pickTeams(a.Directory, *team)
	if err != nil {
		return err
	}
	req := &reports.Request{From: r.From, To: r.To, Label: r.Label, Private: true}
	subject := ""
	for i, t := range teams {
		req.Teams = append(req.Teams, reportbot.ReportTeam(a.Directory, t))
		if i > 0 {
			subject += "、"
		}
		subject += t.Name
	}
	if err := reportbot.AtLevels(ctx, a.Store, req.Teams, r.End()); err != nil {
		return err
	}
	if *agent != "" {
		var m *bot.Member
		for _, t := range teams {
			if m = a.Directory.FindInTeam(t, *agent); m != nil {
				break
			}
		}
		if m == nil {
			return fmt.Errorf("团队 %s 里没有 %q", subject, *agent)
		}
		req.Agent = m.ID
		subject = m.Name + "_" + subject
	}
	path := *out
	if path == "" {
		path = reportbot.FileName(subject, r)
	}
	// Build in banzu's temporary folder (cleared at start, so a crashed run
	// leaves nothing behind) and move into place, so that a failed run never
	// leaves half a file at path.
	dir := a.TempDir()
	if dir != "" {
		if _, err := tmpdir.Ensure(dir); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(dir, tmpdir.Pattern("report")+".xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	b := a.ReportBuilder()
	sum, err := b.Write(ctx, req, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, reports.ErrNoData) {
		return fmt.Errorf("%s 在 %s 至 %s 没有 KPI 数据（先用 banzu import kpi 导入）", subject, r.FromDate(), r.ToDate())
	}
	if err != nil {
		return err
	}
	if err := moveFile(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已生成 %s：%s · %s，%d 位客服，%d 天，%d 条日数据\n", path, subject, r.Label, sum.Agents, sum.Days, sum.Records)
	return nil
}

// moveFile renames src to dst; across file systems (data_dir on another disk
// than the output) it copies to a hidden file next to dst and renames that,
// so dst is never half-written.
func moveFile(src, dst string) error {
	err := os.Rename(src, dst)
	var le *os.LinkError
	if err == nil || !errors.As(err, &le) || !errors.Is(le.Err, syscall.EXDEV) {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), ".banzu-report-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name())
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(out.Name(), dst)
}

// reportPeriod reads --month or --from/--to; neither means this month to date.
func reportPeriod(month, from, to string, now time.Time) (period.Range, error) {
	switch {
	case month != "" && (from != "" || to != ""):
		return period.Range{}, errors.New("--month 和 --from/--to 只能选一种")
	case month != "":
		return period.Parse(month, now, period.Range{})
	case from != "" || to != "":
		if from == "" || to == "" {
			return period.Range{}, errors.New("--from 和 --to 需要一起使用")
		}
		return period.Parse(from+" "+to, now, period.Range{})
	}
	return period.MonthToDate(now), nil
}

// pickTeams finds teams by id or name ("a,b"); empty means all.
func pickTeams(dir *bot.Directory, spec string) ([]*bot.Team, error) {
	if strings.TrimSpace(spec) == "" {
		return dir.Teams(), nil
	}
	var out []*bot.Team
	for _, ref := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == '，' }) {
		ref = strings.TrimSpace(ref)
		var found *bot.Team
		for _, t := range dir.Teams() {
			if t.ID == ref || t.Name == ref {
				found = t
				break
			}
		}
		if found == nil {
			var ids []string
			for _, t := range dir.Teams() {
				ids = append(ids, t.ID+"（"+t.Name+"）")
			}
			return nil, fmt.Errorf("没有团队 %q，可用：%s", ref, strings.Join(ids, "、"))
		}
		out = append(out, found)
	}
	return out, nil
}
