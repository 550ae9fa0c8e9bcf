package main

import (
	"context"
	"fmt"
	"io"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
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
	switch sub {
	case "check":
		if err != nil {
			return fmt.Errorf("配置有误：\n%v", err)
		}
		notes := app.Check(cfg)
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
