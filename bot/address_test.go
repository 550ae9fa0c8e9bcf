package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

// named is a recorder under another platform name.
type named struct {
	recorder
	name string
}

func (n *named) Name() string { return n.name }

func TestPostTeamAndSendMember(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	cfgTeams := []config.Team{
		{ID: "t1", Name: "售前组", WeCom: config.TeamWeCom{WebhookKey: "k1"}, Members: []config.Member{
			{ID: "mgr", Name: "赵经理", Role: "manager", WeComUserID: "ZhaoJ"},
			{ID: "a1", Name: "小王", Role: "agent"},
		}},
		{ID: "t2", Name: "售后组"},
	}
	dir, err := bot.NewDirectory(ctx, st, cfgTeams)
	if err != nil {
		t.Fatal(err)
	}
	console, wecom, ding := &named{name: "console"}, &named{name: "wecom"}, &named{name: "dingtalk"}
	out := bot.NewOutbox(st, []bot.Platform{console, wecom, ding}, bot.OutboxOptions{Poll: time.Millisecond})
	b := bot.New(st, dir, bot.NewCommands(), out, bot.Options{})

	got := b.TeamDestinations("t1")
	want := []bot.Destination{{Platform: "console", ChatID: "t1", TeamID: "t1"}, {Platform: "wecom", TeamID: "t1"}}
	if len(got) != len(want) || got[0].Platform != want[0].Platform || got[0].ChatID != want[0].ChatID || got[1].Platform != "wecom" || got[1].ChatID != "" {
		t.Fatalf("TeamDestinations(t1) = %+v, want %+v", got, want)
	}
	// A DingTalk group learned from a message is remembered across restarts.
	if err := dir.BindChat(ctx, "dingtalk", "cidXYZ", "t2"); err != nil {
		t.Fatal(err)
	}
	dir2, err := bot.NewDirectory(ctx, st, cfgTeams)
	if err != nil {
		t.Fatal(err)
	}
	if got := dir2.TeamChat("dingtalk", "t2"); got != "cidXYZ" {
		t.Fatalf("learned chat after reload = %q, want cidXYZ", got)
	}
	if tm := dir2.Chat("dingtalk", "cidXYZ"); tm == nil || tm.ID != "t2" {
		t.Fatalf("Chat(cidXYZ) = %v, want team t2", tm)
	}

	if err := b.PostTeam(ctx, "t1", bot.Message{Markdown: "早报", Mentions: []string{"mgr", "a1"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.SendMember(ctx, "mgr", bot.Message{Text: "月报"}); err != nil {
		t.Fatal(err)
	}
	if err := b.PostTeam(ctx, "nope", bot.Message{Text: "x"}); !errors.Is(err, bot.ErrNoDestination) {
		t.Fatalf("PostTeam(unknown) err = %v, want ErrNoDestination", err)
	}
	if _, err := out.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Destinations are delivered independently, so compare as sets.
	check := func(r *named, wantPost, wantDM string) {
		t.Helper()
		got := map[string]string{}
		for _, s := range r.sent {
			got[s.dest.ChatID+"|"+s.dest.UserID] = s.msg.Markdown + s.msg.Text
		}
		if len(r.sent) != 2 || got[wantPost+"|"] != "早报" || got["|"+wantDM] != "月报" {
			t.Fatalf("%s got %+v", r.name, r.sent)
		}
	}
	check(console, "t1", "mgr")
	check(wecom, "", "ZhaoJ")
	// Mentions name members; each platform gets their user ids there.
	for _, s := range wecom.sent {
		if s.dest.UserID == "" && (len(s.msg.Mentions) != 1 || s.msg.Mentions[0] != "ZhaoJ") {
			t.Fatalf("wecom post mentions %v, want [ZhaoJ] (小王 has no WeCom id)", s.msg.Mentions)
		}
	}
	for _, s := range console.sent {
		if s.dest.UserID == "" && len(s.msg.Mentions) != 2 {
			t.Fatalf("console post mentions %v, want [mgr a1]", s.msg.Mentions)
		}
	}
	if len(ding.sent) != 0 {
		t.Fatalf("dingtalk got %+v, want nothing (t1 has no DingTalk group)", ding.sent)
	}
}
