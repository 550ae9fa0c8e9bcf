package wecom

import (
	"context"
	"fmt"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// updateWindow is how long after a click WeCom takes
// aibot_respond_update_msg on its req_id.
const updateWindow = 5 * time.Second

// sendScoped delivers a message with Update or OnlyFor:
//
//   - a Card with Update, addressed to a click that arrived on the current
//     long connection less than 5 s ago: aibot_respond_update_msg
//     {response_type: "update_template_card", template_card, userids} on
//     the click's req_id, so the card changes in place (for the users in
//     OnlyFor only, when set; for everyone otherwise);
//   - otherwise (no click, window passed, another connection, callback
//     mode, WeCom refused the update): with OnlyFor, a private message to
//     each of those users (a single chat over the long connection, the
//     self-built app in callback mode) rather than a post in the group;
//     without OnlyFor, an ordinary message into the chat.
func (p *Platform) sendScoped(ctx context.Context, dest bot.Destination, msg bot.Message) error {
	if msg.Update && msg.Card != nil && p.mode == ModeLongConn {
		done, err := p.updateCard(ctx, dest, msg)
		if done || err != nil {
			return err
		}
	}
	users := msg.OnlyFor
	msg.Update, msg.OnlyFor = false, nil
	if len(users) == 0 {
		return p.Send(ctx, dest, msg)
	}
	for _, u := range users {
		if err := p.sendPrivate(ctx, u, msg); err != nil {
			return err
		}
	}
	return nil
}

// updateCard tries the in-place update; done is false (with no error) when
// it cannot be done and the message must go another way.
func (p *Platform) updateCard(ctx context.Context, dest bot.Destination, msg bot.Message) (done bool, err error) {
	reqID := dest.Reply[ReplyReqIDKey]
	if dest.Reply[ReplyKindKey] != "click" || reqID == "" {
		return false, nil
	}
	w := p.lc.cur.Load()
	if w == nil || dest.Reply[ReplyConnKey] != w.id {
		p.log.Info("wecom card update: the click came on another connection, sending it as a message", "req_id", reqID)
		return false, nil
	}
	at, err := time.Parse(time.RFC3339Nano, dest.Reply[ReplyReceivedKey])
	if err != nil || p.now().Sub(at) >= updateWindow {
		p.log.Info("wecom card update: the 5 s window after the click has passed, sending it as a message", "req_id", reqID)
		return false, nil
	}
	card, ok := templateCard(msg.Card)
	if !ok {
		return false, nil
	}
	if task := dest.Reply[ReplyTaskKey]; task != "" {
		card["task_id"] = task // WeCom updates the card it sent under this task
	}
	body := map[string]any{"response_type": "update_template_card", "template_card": card}
	if len(msg.OnlyFor) > 0 {
		body["userids"] = msg.OnlyFor
	}
	ok, err = p.respondCmd(ctx, w, CmdRespondUpdate, reqID, body)
	if err != nil {
		return false, longConnError(err)
	}
	return ok, nil
}

// sendPrivate sends msg to one user in a single chat: over the long
// connection (aibot_send_msg with the userid as chatid), else through the
// self-built app.
func (p *Platform) sendPrivate(ctx context.Context, user string, msg bot.Message) error {
	if p.mode != ModeLongConn {
		if p.cfg.CorpID == "" || p.cfg.CorpSecret == "" || p.cfg.AgentID == 0 {
			return &bot.PermanentError{Err: fmt.Errorf("wecom: a message only for %s needs the self-built app (wecom.corp_id, corp_secret, agent_id) in callback mode", user)}
		}
		return p.sendDirect(ctx, user, msg)
	}
	p.lc.lastSend.Store(time.Now().UnixNano())
	w := p.lc.cur.Load()
	if w == nil {
		p.wantConnection(ctx)
		return &bot.RetryError{After: p.lc.tune.RetryAfter, Err: errNotConnected}
	}
	return longConnError(p.sendOnConn(ctx, w, user, "", msg))
}
