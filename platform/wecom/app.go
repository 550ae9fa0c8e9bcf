package wecom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/banzu-bot/banzu/bot"
)

// appMarkdownLimit is the size of one app markdown or text message, in bytes.
const appMarkdownLimit = 2048

// appMessage is the body of message/send.
type appMessage struct {
	ToUser   string   `json:"touser"`
	MsgType  string   `json:"msgtype"`
	AgentID  int      `json:"agentid"`
	Text     *content `json:"text,omitempty"`
	Markdown *content `json:"markdown,omitempty"`
	File     *media   `json:"file,omitempty"`
}

type content struct {
	Content string `json:"content"`
}

type media struct {
	MediaID string `json:"media_id"`
}

// sendAnswer is the answer of message/send.
type sendAnswer struct {
	apiResult
	InvalidUser string `json:"invaliduser"`
}

// appURL is {api_base}/cgi-bin/{op}?access_token=TOKEN plus extra parameters.
func (p *Platform) appURL(op, token string, extra url.Values) string {
	q := url.Values{"access_token": {token}}
	for k, v := range extra {
		q[k] = v
	}
	return p.cfg.APIBase + "/cgi-bin/" + op + "?" + q.Encode()
}

// appCall makes one self-built app call with a cached access token. When
// WeCom says the token is invalid or expired (40014, 42001) it drops the
// token and tries once more with a fresh one. build makes the request for a
// token (it is called again for the retry).
func (p *Platform) appCall(ctx context.Context, api string, build func(token string) (*http.Request, error), out answer) error {
	for attempt := 0; ; attempt++ {
		tok, err := p.tokens.get(ctx)
		if err != nil {
			return err
		}
		req, err := build(tok)
		if err != nil {
			return err
		}
		err = p.do(req, api, out)
		var ae *APIError
		if errors.As(err, &ae) && tokenInvalid(ae.ErrCode) && attempt == 0 {
			p.log.Info("wecom access token rejected, fetching a new one", "errcode", ae.ErrCode)
			p.tokens.invalidate(ctx, tok)
			*out.result() = apiResult{}
			continue
		}
		return asSendError(err)
	}
}

// appSend posts one message/send body.
func (p *Platform) appSend(ctx context.Context, m appMessage) error {
	var res sendAnswer
	err := p.appCall(ctx, "message/send", func(tok string) (*http.Request, error) {
		return jsonRequest(ctx, p.appURL("message/send", tok, nil), m)
	}, &res)
	if err != nil {
		return err
	}
	if res.InvalidUser != "" {
		return &bot.PermanentError{Err: fmt.Errorf("wecom message/send: invalid user %q", res.InvalidUser)}
	}
	return nil
}

// appUpload uploads a temporary file (valid 3 days) and returns its media_id.
func (p *Platform) appUpload(ctx context.Context, f *bot.File) (string, error) {
	var res mediaAnswer
	err := p.appCall(ctx, "media/upload", func(tok string) (*http.Request, error) {
		return newUploadRequest(ctx, p.appURL("media/upload", tok, url.Values{"type": {"file"}}), f)
	}, &res)
	if err != nil {
		return "", err
	}
	return mediaID("media/upload", res)
}

// sendDirect sends msg to one user through the self-built app: text as text,
// markdown and cards as markdown (2048 bytes a message), a file by
// media/upload then a file message (its caption first). userID is a WeCom
// userid, or a roster member id that has one.
func (p *Platform) sendDirect(ctx context.Context, userID string, msg bot.Message) error {
	base := appMessage{ToUser: p.wecomUserID(userID), AgentID: p.cfg.AgentID}
	if msg.File != nil {
		if msg.Text != "" || msg.Markdown != "" || msg.Card != nil {
			caption := msg
			caption.File = nil
			if err := p.sendDirect(ctx, userID, caption); err != nil {
				return err
			}
		}
		id, err := p.appUpload(ctx, msg.File)
		if err != nil {
			return err
		}
		m := base
		m.MsgType, m.File = "file", &media{MediaID: id}
		return p.appSend(ctx, m)
	}
	plain := msg.Markdown == "" && msg.Card == nil
	parts := splitLines(markdownOf(msg), appMarkdownLimit)
	if len(parts) == 0 {
		return &bot.PermanentError{Err: errEmpty}
	}
	for _, part := range parts {
		m := base
		if plain {
			m.MsgType, m.Text = "text", &content{Content: part}
		} else {
			m.MsgType, m.Markdown = "markdown", &content{Content: part}
		}
		if err := p.appSend(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// wecomUserID maps a roster member id to its WeCom userid; other ids are
// taken to be WeCom userids already.
func (p *Platform) wecomUserID(id string) string {
	for _, t := range p.teams {
		for _, m := range t.Members {
			if m.ID == id && m.WeComUserID != "" {
				return m.WeComUserID
			}
		}
	}
	return id
}
