package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/jobs"
)

func jobCmd(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "run") {
		return fmt.Errorf("用法：banzu job list | banzu job run 名称 [--team T]")
	}
	sub := args[0]
	fs, c := newFlags("job "+sub, stderr)
	team := fs.String("team", "", "只为这个团队运行（按团队运行的任务默认运行所有团队）")
	var name string
	rest := args[1:]
	if sub == "run" {
		if len(rest) == 0 || rest[0] == "" || rest[0][0] == '-' {
			return fmt.Errorf("用法：banzu job run 名称 [--team T]")
		}
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{Logger: newLogger(cfg, stderr)})
	if err != nil {
		return err
	}
	defer a.Close()
	if sub == "list" {
		for _, j := range a.Jobs.All() {
			scope := "全公司"
			if j.PerTeam {
				scope = "每个团队"
			}
			fmt.Fprintf(stdout, "%-20s %-16s %s（%s）\n", j.Name, j.DefaultSpec, j.Description, scope)
		}
		return nil
	}
	j, err := a.Jobs.Get(name)
	if err != nil {
		return err
	}
	teams := []string{""}
	if j.PerTeam {
		teams = nil
		for _, t := range a.Directory.Teams() {
			if *team == "" || *team == t.ID {
				teams = append(teams, t.ID)
			}
		}
		if len(teams) == 0 {
			return fmt.Errorf("没有团队 %q", *team)
		}
	}
	stop, err := a.Start(ctx)
	if err != nil {
		return err
	}
	defer stop()
	// A manual run is its own slot: it never collides with a scheduled one.
	slot := time.Now().In(a.Cfg.Location())
	for _, t := range teams {
		if err := j.Fn(ctx, jobs.Run{TeamID: t, Slot: slot}); err != nil {
			return fmt.Errorf("任务 %s（团队 %s）失败: %w", name, t, err)
		}
		fmt.Fprintf(stdout, "任务 %s 已运行（团队 %s）\n", name, t)
	}
	return nil
}
