package wecom

import (
	"context"
	"errors"
	"net/url"

	"github.com/banzu-bot/banzu/bot"
)

// Group robot (群机器人) webhook limits, in bytes.
const (
	webhookMarkdownLimit = 4096
	webhookTextLimit     = 2048
)

var errEmpty = errors.New("wecom: message is empty")

// textBody is a text message; mentioned_list @-mentions users by userid.
type textBody struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content       string   `json:"content"`
		MentionedList []string `json:"mentioned_list,omitempty"`
	} `json:"text"`
}

// fileBody is a file message.
type fileBody struct {
	MsgType string `json:"msgtype"`
	File    struct {
		MediaID string `json:"media_id"`
	} `json:"file"`
}

func newFileBody(mediaID string) fileBody {
	b := fileBody{MsgType: "file"}
	b.File.MediaID = mediaID
	return b
}

// webhookURL is {api_base}/cgi-bin/webhook/{op}?key=KEY plus extra parameters.
func (p *Platform) webhookURL(op, key string, extra url.Values) string {
	q := url.Values{"key": {key}}
	for k, v := range extra {
		q[k] = v
	}
	return p.cfg.APIBase + "/cgi-bin/webhook/" + op + "?" + q.Encode()
}

// webhookPost sends one message through the group webhook.
func (p *Platform) webhookPost(ctx context.Context, key string, payload any) error {
	var res apiResult
	return asSendError(p.postJSON(ctx, p.webhookURL("send", key, nil), "webhook/send", payload, &res))
}

// sendWebhook posts msg into a group through its robot webhook: text as text
// messages of at most 2048 bytes (the first carrying mentioned_list), markdown
// and cards as markdown messages of at most 4096 bytes cut on line
// boundaries, a file by upload_media then a file message (its caption first,
// when the message also has text). Parts go out in order; if one fails the
// error is returned and the outbox resends the whole message, so parts may be
// repeated (delivery is at least once).
func (p *Platform) sendWebhook(ctx context.Context, key string, msg bot.Message) error {
	if msg.File != nil {
		if msg.Text != "" || msg.Markdown != "" || msg.Card != nil {
			caption := msg
			caption.File = nil
			if err := p.sendWebhook(ctx, key, caption); err != nil {
				return err
			}
		}
		mediaID, err := p.uploadFile(ctx, p.webhookURL("upload_media", key, url.Values{"type": {"file"}}), "webhook/upload_media", msg.File)
		if err != nil {
			return asSendError(err)
		}
		return p.webhookPost(ctx, key, newFileBody(mediaID))
	}
	if msg.Markdown == "" && msg.Card == nil {
		parts := splitLines(msg.Text, webhookTextLimit)
		if len(parts) == 0 {
			return &bot.PermanentError{Err: errEmpty}
		}
		for i, part := range parts {
			b := textBody{MsgType: "text"}
			b.Text.Content = part
			if i == 0 {
				b.Text.MentionedList = msg.Mentions
			}
			if err := p.webhookPost(ctx, key, b); err != nil {
				return err
			}
		}
		return nil
	}
	parts := splitLines(withMentions(markdownOf(msg), msg.Mentions), webhookMarkdownLimit)
	if len(parts) == 0 {
		return &bot.PermanentError{Err: errEmpty}
	}
	for _, part := range parts {
		if err := p.webhookPost(ctx, key, newMarkdown(part)); err != nil {
			return err
		}
	}
	return nil
}
