// Package demo is the demo company `banzu serve --demo` runs with: two teams,
// twelve agents, two supervisors and a manager, and data seeded idempotently.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/store"
)

// Teams returns the demo roster. The presale agents carry the names used in
// ../shared/samples so the sample exports import into 售前组 as they are
// (京东's export names them jd_小王 and so on).
func Teams() []config.Team {
	agent := func(id, name, level, hire string, aliases ...string) config.Member {
		return config.Member{ID: id, Name: name, Role: "agent", Level: level, HireDate: hire, Aliases: aliases}
	}
	manager := config.Member{ID: "zhao", Name: "赵经理", Role: "manager", HireDate: "2021-03-01"}
	return []config.Team{
		{
			ID: "presale", Name: "售前组",
			Members: []config.Member{
				{ID: "chen", Name: "陈主管", Role: "supervisor", HireDate: "2022-05-10"},
				agent("xiaowang", "小王", "agent", "2026-02-16", "旗舰店:小王", "jd_小王"),
				agent("xiaoli", "小李", "agent", "2025-11-03", "旗舰店:小李", "jd_小李"),
				agent("aqiang", "阿强", "senior", "2024-06-20", "旗舰店:阿强", "jd_阿强"),
				agent("xiaowen", "晓雯", "senior", "2024-09-01", "旗舰店:晓雯", "jd_晓雯"),
				agent("daliu", "大刘", "agent", "2025-07-15", "旗舰店:大刘", "jd_大刘"),
				agent("xiaomei", "小美", "agent", "2026-04-01", "旗舰店:小美", "jd_小美"),
				agent("lili", "莉莉", "agent", "2025-12-08", "旗舰店:莉莉", "jd_莉莉"),
				agent("ajie", "阿杰", "senior", "2024-03-11", "旗舰店:阿杰", "jd_阿杰"),
				manager,
			},
		},
		{
			ID: "aftersale", Name: "售后组",
			Members: []config.Member{
				{ID: "lin", Name: "林主管", Role: "supervisor", HireDate: "2022-08-22"},
				agent("xiaozhou", "小周", "agent", "2025-10-09", "旗舰店:小周"),
				agent("xiaozheng", "小郑", "agent", "2026-01-12", "旗舰店:小郑"),
				agent("afang", "阿芳", "senior", "2024-11-18", "旗舰店:阿芳"),
				agent("xiaowu", "小吴", "agent", "2026-06-01", "旗舰店:小吴"),
				manager,
			},
		},
	}
}

// Apply puts the demo roster into cfg when cfg has no teams of its own.
func Apply(cfg *config.Config) bool {
	if len(cfg.Teams) > 0 {
		return false
	}
	cfg.Teams = Teams()
	return true
}

// Seeder adds one kind of demo data. Features register theirs so that --demo
// grows with the product; each must be idempotent.
type Seeder struct {
	Name string
	// After names the seeders whose data this one builds on (the awards
	// ceremony needs the KPI history); they run first. Names not in the list
	// being seeded are ignored.
	After []string
	Seed  func(ctx context.Context, b *bot.Bot) error
}

// Order returns the seeders in the order they run: each after the seeders
// it names in After, otherwise in the order given. A cycle is an error.
func Order(seeders []Seeder) ([]Seeder, error) {
	known := map[string]bool{}
	for _, s := range seeders {
		known[s.Name] = true
	}
	done := map[string]bool{}
	out := make([]Seeder, 0, len(seeders))
	placed := make([]bool, len(seeders))
	for len(out) < len(seeders) {
		progress := false
		for i, s := range seeders {
			if placed[i] || !ready(s, known, done) {
				continue
			}
			placed[i], done[s.Name], progress = true, true, true
			out = append(out, s)
			break // rescan from the start to keep the given order
		}
		if !progress {
			var stuck []string
			for i, s := range seeders {
				if !placed[i] {
					stuck = append(stuck, s.Name)
				}
			}
			return nil, fmt.Errorf("demo seeders wait on each other: %v", stuck)
		}
	}
	return out, nil
}

func ready(s Seeder, known, done map[string]bool) bool {
	for _, dep := range s.After {
		if known[dep] && !done[dep] {
			return false
		}
	}
	return true
}

// Seed runs each seeder once per store, in Order: a marker records what was
// seeded.
func Seed(ctx context.Context, st store.Store, b *bot.Bot, seeders []Seeder) error {
	seeders, err := Order(seeders)
	if err != nil {
		return err
	}
	for _, s := range seeders {
		ok, err := st.PutIfAbsent(ctx, "demo.seeded", s.Name, []byte(time.Now().UTC().Format(time.RFC3339)))
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := s.Seed(ctx, b); err != nil {
			_ = st.Delete(ctx, "demo.seeded", s.Name)
			return fmt.Errorf("demo %s: %w", s.Name, err)
		}
	}
	return nil
}

// Welcome posts a greeting in every team chat.
var Welcome = Seeder{Name: "welcome", Seed: func(ctx context.Context, b *bot.Bot) error {
	for _, t := range b.Directory.Teams() {
		msg := fmt.Sprintf("大家好，我是**班组助手**，%s 的日常管理交给我。\n- 在页面上方的“我是”里选择你是谁\n- 发送 /help 查看你能用的命令\n- 主管试试 /roster 查看团队名单", t.Name)
		if err := b.Send(ctx, bot.Destination{Platform: "console", ChatID: t.ID, TeamID: t.ID}, bot.Message{Markdown: msg}); err != nil {
			return err
		}
	}
	return nil
}}
