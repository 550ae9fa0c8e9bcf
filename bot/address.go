package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// ErrNoDestination means a team or member cannot be reached on any platform.
var ErrNoDestination = errors.New("bot: no destination")

// TeamDestinations lists where a post to a team goes: its chat on each
// platform banzu sends to. A WeCom team with only a group-robot webhook key
// has no chat id but is reachable through the key.
func (b *Bot) TeamDestinations(teamID string) []Destination {
	t := b.Directory.Team(teamID)
	if t == nil {
		return nil
	}
	var out []Destination
	for _, p := range b.Outbox.Platforms() {
		chat := b.Directory.TeamChat(p, teamID)
		if chat == "" && !(p == "wecom" && t.Config.WeCom.WebhookKey != "") {
			continue
		}
		out = append(out, Destination{Platform: p, ChatID: chat, TeamID: teamID})
	}
	return out
}

// PostTeam queues msg for every chat of the team. msg.Mentions holds member
// ids here; each platform gets the members' user ids on it.
func (b *Bot) PostTeam(ctx context.Context, teamID string, msg Message) error {
	dests := b.TeamDestinations(teamID)
	if len(dests) == 0 {
		return fmt.Errorf("%w: team %q has no chat on any platform", ErrNoDestination, teamID)
	}
	members := msg.Mentions
	for _, d := range dests {
		m := msg
		m.Mentions = nil
		for _, id := range members {
			if mem := b.Directory.Member(id); mem != nil && mem.UserID(d.Platform) != "" {
				m.Mentions = append(m.Mentions, mem.UserID(d.Platform))
			}
		}
		if err := b.Send(ctx, d, m); err != nil {
			return err
		}
	}
	return nil
}

// SendMember queues a direct message to a member on every platform banzu
// sends to where the member has a user id (in the console, their inbox).
func (b *Bot) SendMember(ctx context.Context, memberID string, msg Message) error {
	m := b.Directory.Member(memberID)
	if m == nil {
		return fmt.Errorf("%w: unknown member %q", ErrNoDestination, memberID)
	}
	sent := false
	for _, p := range b.Outbox.Platforms() {
		uid := m.UserID(p)
		if uid == "" {
			continue
		}
		d := Destination{Platform: p, UserID: uid}
		if len(m.Teams) > 0 {
			d.TeamID = m.Teams[0]
		}
		if err := b.Send(ctx, d, msg); err != nil {
			return err
		}
		sent = true
	}
	if !sent {
		return fmt.Errorf("%w: member %q has no user id on any platform", ErrNoDestination, memberID)
	}
	return nil
}

// Platforms lists the names of the platforms the outbox delivers to, sorted.
func (o *Outbox) Platforms() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Sorted(maps.Keys(o.platforms))
}
