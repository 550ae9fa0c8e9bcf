package main

import (
	"context"
	"fmt"
	"io"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/kpi"
)

func configCmd(_ context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	if len(args) == 0 {
		return fmt.Errorf("用法：banzu config check | banzu config dump")
	}
	sub := args[0]
	fs, c := newFlags("config "+sub, stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := c.load(env)
	if err == nil {
		err = kpi.ValidateTargets(cfg.Targets) // rule names live with the KPI rules
	}
	switch sub {
	case "check":
		if err != nil {
			return fmt.Errorf("配置有误：\n%v", err)
		}
		notes := app.Check(cfg)
		if cfg.Console.Enabled && cfg.Console.Token == "" && !app.Loopback(cfg.Listen) {
			notes = append(notes, "警告：listen 不是 127.0.0.1，但没有设置 console.token；banzu serve 会拒绝启动（请设置 console.token 或关闭 console.enabled）")
		}
		fmt.Fprintf(stdout, "配置有效：%d 个团队，存储 %s，时区 %s\n", len(cfg.Teams), cfg.Store.Driver, cfg.TimeZone)
		for _, n := range notes {
			fmt.Fprintf(stdout, "- %s\n", n)
		}
		return nil
	case "dump":
		if err != nil {
			return err
		}
		out, err := config.Dump(cfg)
		if err != nil {
			return err
		}
		_, err = stdout.Write(out)
		return err
	default:
		return fmt.Errorf("未知子命令 %q：用法 banzu config check | banzu config dump", sub)
	}
}
