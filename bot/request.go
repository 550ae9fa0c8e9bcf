package bot

import (
	"context"
	"strings"
	"time"
)

// Request is one command (or fallback message) being handled.
type Request struct {
	Event   Event
	Team    *Team   // the team of the chat, or the sender's first team in a single chat (see Private)
	Member  *Member // the sender, nil for someone not on the roster
	Role    Role
	Command *Command // nil for fallbacks
	Args    []string // arguments after the command name
	Rest    string   // everything after the command name, spaces kept
	bot     *Bot
	// private: a one-to-one chat, so Team is the sender's first team rather
	// than the chat's.
	private bool
}

// Bot returns the bot handling the request.
func (r *Request) Bot() *Bot { return r.bot }

// Now is the bot's clock.
func (r *Request) Now() time.Time { return r.bot.Now() }

// SentAt is when the message was sent as the platform says (or when banzu
// received it), in the bot's time zone; the bot's clock when unknown or in the
// future. An event handled late, after a crash and a takeover, is judged by
// it (was the quiz question still open?), not by when it was handled.
func (r *Request) SentAt() time.Time {
	now := r.bot.Now()
	if t := r.Event.Time; !t.IsZero() && !t.After(now) {
		return t.In(r.bot.Location())
	}
	return now
}

// EventKey identifies the message being handled across redeliveries: a
// handler that creates something (a submission, an award) uses it as its
// idempotency key, so the message handled twice has one effect. Empty for
// an event without a platform message id.
func (r *Request) EventKey() string { return eventKey(r.Event) }

// Reply answers in the chat the request came from, through the outbox.
func (r *Request) Reply(ctx context.Context, msg Message) error {
	return r.bot.Send(ctx, r.ReplyTo(), msg)
}

// ReplyPrivately answers the sender alone: as usual in a one-to-one chat;
// in a group, a message only they see (personal results, misses, wrong
// answers are nobody else's business).
func (r *Request) ReplyPrivately(ctx context.Context, msg Message) error {
	if !r.private {
		msg.OnlyFor = []string{r.Event.SenderID}
	}
	return r.Reply(ctx, msg)
}

// tell answers the sender alone with a correction (a usage, a refusal, a
// mistake): in a group of thirty it concerns one person.
func (r *Request) tell(ctx context.Context, markdown string) error {
	return r.ReplyPrivately(ctx, Message{Markdown: markdown})
}

// PrivateTo is where to send the sender something that goes on privately
// (a practice set): this chat when it is one-to-one, else the sender's
// one-to-one chat with the bot on this platform.
func (r *Request) PrivateTo() Destination {
	d := r.ReplyTo()
	if r.private {
		return d
	}
	return Destination{Platform: r.Event.Platform, UserID: r.Event.SenderID, TeamID: d.TeamID}
}

// ReplyText answers with markdown text.
func (r *Request) ReplyText(ctx context.Context, markdown string) error {
	return r.Reply(ctx, Message{Markdown: markdown})
}

// ReplyTo is the destination of a reply to this request.
func (r *Request) ReplyTo() Destination {
	d := Destination{Platform: r.Event.Platform, ChatID: r.Event.ChatID, Reply: r.Event.Reply}
	if r.Team != nil {
		d.TeamID = r.Team.ID
	}
	return d
}

// SenderName is the sender's roster name, or the platform's name for them.
func (r *Request) SenderName() string {
	if r.Member != nil {
		return r.Member.Name
	}
	if r.Event.SenderName != "" {
		return r.Event.SenderName
	}
	return r.Event.SenderID
}

// FindMember resolves "@name", a name, a member id or a shop alias in the
// request's team.
func (r *Request) FindMember(ref string) *Member {
	return r.bot.Directory.FindInTeam(r.Team, ref)
}

// Private reports whether the request came from a one-to-one chat, where
// Team is the sender's first team, not a chat's.
func (r *Request) Private() bool { return r.private }

// SenderTeams lists the sender's teams in config order (nil for a guest).
func (r *Request) SenderTeams() []*Team {
	if r.Member == nil {
		return nil
	}
	var out []*Team
	for _, id := range r.Member.Teams {
		if t := r.bot.Directory.Team(id); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// MultiTeam reports whether the request came from the private chat of a
// member of several teams: Team is then only a default, and team-scoped
// answers should say which team they are about.
func (r *Request) MultiTeam() bool { return r.private && len(r.SenderTeams()) > 1 }

// FindMemberTeam is FindMember that also looks, in the private chat of a
// member of several teams, in the sender's other teams (the request's team
// first), and says in which team the member was found: a manager can name
// an agent of any of their teams from their private chat. Use the returned
// team for the member's team-scoped data.
func (r *Request) FindMemberTeam(ref string) (*Member, *Team) {
	if m := r.FindMember(ref); m != nil {
		return m, r.Team
	}
	if !r.private {
		return nil, nil
	}
	for _, t := range r.SenderTeams() {
		if m := r.bot.Directory.FindInTeam(t, ref); m != nil {
			return m, t
		}
	}
	return nil, nil
}

// SenderTeam finds one of the sender's teams by name or id ("售后组",
// "aftersale"), nil when the sender is not in such a team.
func (r *Request) SenderTeam(ref string) *Team {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil
	}
	for _, t := range r.SenderTeams() {
		if t.Name == ref || t.ID == ref {
			return t
		}
	}
	return nil
}
