package wecom

import (
	"context"
	"errors"

	"github.com/banzu-bot/banzu/bot"
)

// Send delivers one message. The route:
//
//  1. dest.UserID set: a direct message through the self-built app
//     (message/send), whatever the other fields say.
//  2. msg.Update or msg.OnlyFor set: see sendScoped (a card updated in place
//     for the clicker, or a private message to each user named).
//
// In long-connection mode everything else goes over the connection (see
// sendLongConn). In callback mode:
//  2. dest.Reply holds a response_url younger than an hour and not used yet,
//     and the message has no file (a response_url takes markdown only) and no
//     mentions (unless the group has no webhook): the markdown goes to the
//     response_url, which is then spent. Content beyond 20480 bytes, or all of
//     it when the response_url fails, goes on through the webhook.
//  3. The team's group webhook, found by dest.TeamID or dest.ChatID.
//
// Errors: *bot.RetryError for timeouts, HTTP 5xx and WeCom's rate limits
// (45009, 45033); *bot.PermanentError when no channel reaches dest or WeCom
// rejects the message (bad webhook key 93000, invalid user, ...).
func (p *Platform) Send(ctx context.Context, dest bot.Destination, msg bot.Message) error {
	if msg.Text == "" && msg.Markdown == "" && msg.File == nil && msg.Card == nil {
		return &bot.PermanentError{Err: errEmpty}
	}
	if dest.UserID != "" {
		return p.sendDirect(ctx, dest.UserID, msg)
	}
	if msg.Update || len(msg.OnlyFor) > 0 {
		return p.sendScoped(ctx, dest, msg)
	}
	if p.mode == ModeLongConn {
		return p.sendLongConn(ctx, dest, msg)
	}
	key := p.webhookKey(dest)
	if msg.File == nil && (len(msg.Mentions) == 0 || key == "") {
		if u, ok := p.replies.claim(dest.Reply, p.now()); ok {
			rest, err := p.sendReply(ctx, u, msg)
			switch {
			case err == nil && rest == "":
				return nil
			case err == nil:
				msg = bot.Message{Markdown: rest, Mentions: msg.Mentions}
			default:
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					// The answer never came: let a retry use the url again.
					p.replies.release(u)
				}
				if key == "" {
					return asSendError(err)
				}
				p.log.Warn("wecom response_url failed, falling back to the group webhook",
					"chat_id", dest.ChatID, "team_id", dest.TeamID, "error", err)
			}
		}
	}
	if key == "" {
		return &bot.PermanentError{Err: errNoChannel}
	}
	return p.sendWebhook(ctx, key, msg)
}
