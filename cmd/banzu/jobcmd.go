package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/platform/console"
	"github.com/banzu-bot/banzu/store/embedded"
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
	opts := app.Options{NoSchedule: true}
	if sub == "list" {
		// Listing reads no data: a throwaway store, so that neither a
		// running banzu nor a missing ./data gets in the way.
		tmp, err := os.MkdirTemp("", "banzu-job-list-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		st, err := embedded.Open(filepath.Join(tmp, "list.db"))
		if err != nil {
			return err
		}
		defer st.Close()
		opts.Store = st
	}
	a, err := c.openApp(ctx, cfg, stderr, "请先停止它，或在它运行时等任务按计划执行", false, opts)
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
	if err := c.seedDemo(ctx, a); err != nil {
		return err
	}
	stop, err := a.Start(ctx)
	if err != nil {
		return err
	}
	defer stop()
	// What demo seeding queued goes out first, so that only the job's own
	// messages are counted below.
	waitOutbox(ctx, a, 10*time.Second)
	marks := consoleMarks(ctx, a)
	// A manual run is its own slot: it never collides with a scheduled one.
	slot := time.Now().In(a.Cfg.Location())
	for _, t := range teams {
		scope := "全公司"
		if t != "" {
			scope = "团队 " + t
		}
		if err := j.Fn(ctx, jobs.Run{TeamID: t, Slot: slot}); err != nil {
			return fmt.Errorf("任务 %s（%s）失败: %w", name, scope, err)
		}
		fmt.Fprintf(stdout, "任务 %s 已运行（%s）\n", name, scope)
	}
	if !j.PerTeam && *team != "" {
		fmt.Fprintf(stdout, "（%s 是全公司任务，--team 不起作用）\n", name)
	}
	// Wait for what the job queued to go out before stopping: stopping while
	// a message is being sent leaves it claimed until the next banzu serve.
	if left := waitOutbox(ctx, a, 10*time.Second); left > 0 {
		fmt.Fprintf(stdout, "还有 %d 条消息在发件箱中，下次 banzu serve 启动时会继续发送\n", left)
	}
	fmt.Fprintln(stdout, wherePosted(ctx, a, marks))
	return nil
}

// chatMark is a console chat and its last message id before a job ran.
type chatMark struct {
	id, name string
	last     int64
}

func consoleMarks(ctx context.Context, a *app.App) []chatMark {
	if a.Console == nil {
		return nil
	}
	var out []chatMark
	for _, c := range console.NewServer(a.Console, a.Directory, a.Bot).Chats() {
		m := chatMark{id: c.ChatID, name: c.Name}
		if msgs, err := a.Console.Messages(ctx, c.ChatID, 0, 0); err == nil && len(msgs) > 0 {
			m.last = msgs[len(msgs)-1].ID
		}
		out = append(out, m)
	}
	return out
}

// wherePosted says where the job's messages went: the console chats that got
// new messages, or the chat platforms when the console is off.
func wherePosted(ctx context.Context, a *app.App, marks []chatMark) string {
	if a.Console == nil {
		return "消息已交给配置的聊天平台（企业微信 / 钉钉）发送，请在对应的群或私聊里查看。"
	}
	var got []string
	for _, m := range marks {
		if msgs, err := a.Console.Messages(ctx, m.id, m.last, 0); err == nil && len(msgs) > 0 {
			got = append(got, fmt.Sprintf("%s（%d 条）", m.name, len(msgs)))
		}
	}
	if len(got) == 0 {
		return "这次没有发出消息（例如没有数据时不发晨报）。"
	}
	return fmt.Sprintf("消息已发到本地聊天：%s。运行 banzu serve 后打开 http://%s/ 查看。", strings.Join(got, "、"), a.Cfg.Listen)
}

// waitOutbox waits up to d for the outbox to empty and returns how many
// messages are still waiting.
func waitOutbox(ctx context.Context, a *app.App, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		depth, _, err := a.Store.Outbox().Stats(ctx)
		if err != nil || depth == 0 || time.Now().After(deadline) {
			return max(depth, 0)
		}
		select {
		case <-ctx.Done():
			return depth
		case <-time.After(20 * time.Millisecond):
		}
	}
}
