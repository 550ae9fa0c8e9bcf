package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// Pace of the robot OpenAPI per group (and per user for direct messages).
const (
	paceLimit = 20
	pacePer   = time.Minute
)

// Send delivers one message.
//
//   - msg.OnlyFor set: a direct message to those users (batchSend, 20 at a
//     time) instead of a post in the group; DingTalk's robot cannot show a
//     message to some members of a group only. Update is ignored: a card
//     "update" arrives as a new message.
//   - a card with dingtalk.card_template_id set: an interactive card whose
//     buttons report the tap over the stream (card.go); markdown when
//     DingTalk refuses it.
//   - dest.UserID set: a direct message through oToMessages/batchSend.
//   - a live session webhook in dest.Reply (not expiring within a minute):
//     posted there, with at.atUserIds for mentions; when it answers 300001
//     (expired) or fails in any way, the parts not yet sent go through the
//     durable channel below instead.
//   - otherwise the durable channel: a group via groupMessages/send (see
//     PaceKey for how the group is found), or for a one-to-one chat the
//     sender via batchSend.
//
// Markdown gets DingTalk's two-space line breaks; text over DingTalk's size
// limit is split on line boundaries into several messages. A file is
// uploaded and sent as sampleFile (group or user; never the session webhook);
// any text of the same message goes first. A failure after some parts went
// out makes the retry send those parts again.
func (p *Platform) Send(ctx context.Context, dest bot.Destination, msg bot.Message) error {
	if users := msg.OnlyFor; len(users) > 0 && dest.UserID == "" {
		// DingTalk cannot show a group message to some members only, nor
		// update a sent card: the users get it as a private message.
		msg.Update, msg.OnlyFor = false, nil
		for i := 0; i < len(users); i += maxOtoUsers {
			batch := users[i:min(i+maxOtoUsers, len(users))]
			if err := p.sendPrivate(ctx, batch, msg); err != nil {
				return err
			}
		}
		return nil
	}
	hasBody := msg.Text != "" || msg.Markdown != "" || msg.Card != nil
	if msg.File == nil && !hasBody {
		return &bot.PermanentError{Err: errors.New("dingtalk: empty message")}
	}
	if p.interactive(msg.Card) {
		sent, err := p.sendInteractive(ctx, dest, msg)
		if err != nil {
			return err
		}
		hasBody = !sent
	}
	if hasBody {
		c, err := render(msg, maxMsgParamBytes-paramOverhead)
		if err != nil {
			return &bot.PermanentError{Err: err}
		}
		if err := p.sendContent(ctx, dest, c); err != nil {
			return err
		}
	}
	if msg.File != nil {
		return p.sendFile(ctx, dest, msg.File)
	}
	return nil
}

func (p *Platform) sendContent(ctx context.Context, dest bot.Destination, c content) error {
	if dest.UserID != "" {
		return p.sendUsers(ctx, []string{dest.UserID}, robotMessages(c))
	}
	if wh, ok := p.liveWebhook(dest.Reply); ok {
		sent, err := p.replyWebhook(ctx, wh, c)
		if err == nil {
			return nil
		}
		p.log.Warn("dingtalk session webhook failed, falling back to OpenAPI",
			"chat_id", dest.ChatID, "error", err.Error(), "parts_sent", sent)
		c.parts = c.parts[sent:]
		if ferr := p.sendDurable(ctx, dest, robotMessages(c)); ferr != nil {
			return fmt.Errorf("%w (after session webhook: %v)", ferr, err)
		}
		return nil
	}
	return p.sendDurable(ctx, dest, robotMessages(c))
}

// replyWebhook posts the parts to the session webhook and returns how many
// went out.
func (p *Platform) replyWebhook(ctx context.Context, webhook string, c content) (int, error) {
	for i, body := range webhookBodies(c) {
		if err := p.postWebhook(ctx, webhook, body); err != nil {
			return i, err
		}
	}
	return len(c.parts), nil
}

// sendDurable sends through the OpenAPI: into the destination's group, or to
// the sender of a one-to-one chat.
func (p *Platform) sendDurable(ctx context.Context, dest bot.Destination, msgs []robotMessage) error {
	if dest.Reply[ReplyConversationType] == convSingle && dest.Reply[ReplySenderID] != "" {
		return p.sendUsers(ctx, []string{dest.Reply[ReplySenderID]}, msgs)
	}
	ocid, ok := p.resolveGroup(dest)
	if !ok {
		return &bot.PermanentError{Err: fmt.Errorf("dingtalk: no open_conversation_id for team %q / chat %q: configure it or @ the robot in that group once", dest.TeamID, dest.ChatID)}
	}
	return p.sendGroup(ctx, ocid, msgs)
}

func (p *Platform) sendFile(ctx context.Context, dest bot.Destination, f *bot.File) error {
	var send func([]robotMessage) error
	switch {
	case dest.UserID != "":
		send = func(m []robotMessage) error { return p.sendUsers(ctx, []string{dest.UserID}, m) }
	case dest.Reply[ReplyConversationType] == convSingle && dest.Reply[ReplySenderID] != "":
		send = func(m []robotMessage) error { return p.sendUsers(ctx, []string{dest.Reply[ReplySenderID]}, m) }
	default:
		ocid, ok := p.resolveGroup(dest)
		if !ok {
			return &bot.PermanentError{Err: fmt.Errorf("dingtalk: no open_conversation_id for team %q / chat %q", dest.TeamID, dest.ChatID)}
		}
		send = func(m []robotMessage) error { return p.sendGroup(ctx, ocid, m) }
	}
	mediaID, err := p.uploadFile(ctx, f)
	if err != nil {
		return err
	}
	return send([]robotMessage{fileMessage(mediaID, f)})
}

// resolveGroup finds the openConversationId for a destination: the team's
// configured open_conversation_id wins; then a conversation learned from
// messages; then dest.ChatID itself (DingTalk's conversationId doubles as
// the openConversationId).
func (p *Platform) resolveGroup(dest bot.Destination) (string, bool) {
	if dest.TeamID != "" {
		for _, t := range p.teams {
			if t.ID == dest.TeamID && t.DingTalk.OpenConversationID != "" {
				return t.DingTalk.OpenConversationID, true
			}
		}
	}
	if dest.ChatID == "" {
		return "", false
	}
	if conv, ok := p.convs.lookup(dest.ChatID); ok {
		return conv.OpenConversationID, true
	}
	return dest.ChatID, true
}

// PaceKey implements bot.Pacer: 20 messages a minute per group
// ("dingtalk:group:"+openConversationId) or per user for direct messages.
func (p *Platform) PaceKey(dest bot.Destination) (string, int, time.Duration) {
	switch {
	case dest.UserID != "":
		return "dingtalk:user:" + dest.UserID, paceLimit, pacePer
	case dest.Reply[ReplyConversationType] == convSingle && dest.Reply[ReplySenderID] != "":
		return "dingtalk:user:" + dest.Reply[ReplySenderID], paceLimit, pacePer
	}
	if ocid, ok := p.resolveGroup(dest); ok {
		return "dingtalk:group:" + ocid, paceLimit, pacePer
	}
	return "dingtalk:unknown", paceLimit, pacePer
}

// sendInteractive sends msg's card as an interactive card (see card.go).
// sent is false, with no error, when DingTalk refused it for good (a wrong
// template, say): the card then goes out as markdown, answered by letter.
func (p *Platform) sendInteractive(ctx context.Context, dest bot.Destination, msg bot.Message) (sent bool, err error) {
	switch {
	case dest.UserID != "":
		err = p.sendCard(ctx, msg.Card, msg.Title, "", "", dest.UserID)
	case dest.Reply[ReplyConversationType] == convSingle && dest.Reply[ReplySenderID] != "":
		err = p.sendCard(ctx, msg.Card, msg.Title, dest.ChatID, "", dest.Reply[ReplySenderID])
	default:
		ocid, ok := p.resolveGroup(dest)
		if !ok {
			return false, &bot.PermanentError{Err: fmt.Errorf("dingtalk: no open_conversation_id for team %q / chat %q", dest.TeamID, dest.ChatID)}
		}
		chat := dest.ChatID
		if chat == "" {
			chat = ocid
		}
		err = p.sendCard(ctx, msg.Card, msg.Title, chat, ocid, "")
	}
	if bot.IsPermanent(err) {
		p.log.Error("dingtalk interactive card refused, sending the question as markdown (check dingtalk.card_template_id)",
			"card_id", msg.Card.ID, "error", err.Error())
		return false, nil
	}
	return err == nil, err
}

// sendPrivate sends msg (text, card, file) to users directly.
func (p *Platform) sendPrivate(ctx context.Context, users []string, msg bot.Message) error {
	if p.interactive(msg.Card) {
		for _, u := range users {
			if err := p.Send(ctx, bot.Destination{Platform: "dingtalk", UserID: u}, msg); err != nil {
				return err
			}
		}
		return nil
	}
	if msg.Text != "" || msg.Markdown != "" || msg.Card != nil {
		c, err := render(msg, maxMsgParamBytes-paramOverhead)
		if err != nil {
			return &bot.PermanentError{Err: err}
		}
		if err := p.sendUsers(ctx, users, robotMessages(c)); err != nil {
			return err
		}
	}
	if msg.File != nil {
		mediaID, err := p.uploadFile(ctx, msg.File)
		if err != nil {
			return err
		}
		return p.sendUsers(ctx, users, []robotMessage{fileMessage(mediaID, msg.File)})
	}
	return nil
}
