package bot

import (
	"context"
	"time"
)

// Request is one command (or fallback message) being handled.
type Request struct {
	Event   Event
	Team    *Team   // the team of the chat, or the sender's first team in a single chat
	Member  *Member // the sender, nil for someone not on the roster
	Role    Role
	Command *Command // nil for fallbacks
	Args    []string // arguments after the command name
	Rest    string   // everything after the command name, spaces kept
	bot     *Bot
}

// Bot returns the bot handling the request.
func (r *Request) Bot() *Bot { return r.bot }

// Now is the bot's clock.
func (r *Request) Now() time.Time { return r.bot.Now() }

// Reply answers in the chat the request came from, through the outbox.
func (r *Request) Reply(ctx context.Context, msg Message) error {
	return r.bot.Send(ctx, r.ReplyTo(), msg)
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
