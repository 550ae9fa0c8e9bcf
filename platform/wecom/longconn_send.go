package wecom

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// Long-connection limits.
const (
	streamLimit    = 20480     // bytes of markdown in one stream reply
	pushLimit      = 4096      // bytes of markdown in one aibot_send_msg (unconfirmed: the webhook's limit)
	chunkSize      = 512 << 10 // raw bytes per upload chunk
	maxChunks      = 100
	uploadParallel = 2
	// chatPerMinute paces replies and pushes into one chat. WeCom has not
	// published the long connection's limit (unconfirmed); rate-limit
	// errcodes are retried anyway.
	chatPerMinute = 30
)

var errNoChat = errors.New("wecom: the robot does not know this group's chatid yet (@ it once in the group, or set teams[].wecom.chat_id) and the team has no webhook_key")

// chatFor is the chat a destination names: its ChatID, else its team's
// configured chat_id.
func (p *Platform) chatFor(dest bot.Destination) string {
	if dest.ChatID != "" {
		return dest.ChatID
	}
	if t, ok := p.teamFor(dest); ok {
		return t.WeCom.ChatID
	}
	return ""
}

// sendLongConn delivers msg to a chat over the long connection (Send's
// route in long-connection mode when no user is named):
//
//   - a reply to a message that arrived on the current connection goes out
//     as aibot_respond_msg with its req_id (a stream bubble, a template card
//     or a file); if WeCom refuses the req_id it is pushed instead;
//   - anything else is pushed with aibot_send_msg to the chat id (a group's
//     chat id is learned from a message and kept in the store, or set per
//     team in config);
//   - a team whose chat id is unknown but that has a group webhook_key gets
//     the group webhook, as in callback mode.
//
// A replica that does not hold the connection returns a *bot.RetryError and
// asks for the connection (see Listen). Files go through the chunked upload,
// then a file message; cards become template cards (templateCard).
func (p *Platform) sendLongConn(ctx context.Context, dest bot.Destination, msg bot.Message) error {
	chat := p.chatFor(dest)
	if chat == "" {
		if key := p.webhookKey(dest); key != "" {
			return p.sendWebhook(ctx, key, msg)
		}
		return &bot.PermanentError{Err: errNoChat}
	}
	p.lc.lastSend.Store(time.Now().UnixNano())
	w := p.lc.cur.Load()
	if w == nil {
		p.wantConnection(ctx)
		return &bot.RetryError{After: p.lc.tune.RetryAfter, Err: errNotConnected}
	}
	reqID := ""
	if dest.Reply[ReplyConnKey] == w.id && dest.Reply[ReplyKindKey] == "" {
		reqID = dest.Reply[ReplyReqIDKey]
	}
	return longConnError(p.sendOnConn(ctx, w, chat, reqID, msg))
}

// sendOnConn sends msg on w: as a reply to reqID when it is set, else as a
// push to chat.
func (p *Platform) sendOnConn(ctx context.Context, w *wsConn, chat, reqID string, msg bot.Message) error {
	if msg.File != nil {
		if msg.Text != "" || msg.Markdown != "" || msg.Card != nil {
			caption := msg
			caption.File = nil
			if err := p.sendOnConn(ctx, w, chat, reqID, caption); err != nil {
				return err
			}
			reqID = "" // the reply bubble is taken by the caption
		}
		mediaID, err := p.uploadMedia(ctx, w, msg.File)
		if err != nil {
			return err
		}
		body := map[string]any{"msgtype": "file", "file": map[string]string{"media_id": mediaID}}
		return p.respondOrPush(ctx, w, chat, reqID, body, body)
	}
	if msg.Card != nil {
		if card, ok := templateCard(msg.Card); ok {
			body := map[string]any{"msgtype": "template_card", "template_card": card}
			return p.respondOrPush(ctx, w, chat, reqID, body, body)
		}
	}
	md := withMentions(markdownOf(msg), msg.Mentions)
	if reqID != "" {
		parts := splitLines(md, streamLimit)
		if len(parts) == 0 {
			return &bot.PermanentError{Err: errEmpty}
		}
		stream := map[string]any{"msgtype": "stream", "stream": map[string]any{
			"id": newReqID("stream"), "finish": true, "content": parts[0],
		}}
		ok, err := p.respond(ctx, w, reqID, stream)
		if err != nil {
			return err
		}
		if ok {
			if len(parts) == 1 {
				return nil
			}
			md = strings.Join(parts[1:], "\n")
		}
	}
	parts := splitLines(md, pushLimit)
	if len(parts) == 0 {
		return &bot.PermanentError{Err: errEmpty}
	}
	for _, part := range parts {
		if err := p.push(ctx, w, chat, map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": part}}); err != nil {
			return err
		}
	}
	return nil
}

// respondOrPush replies with reply when reqID is set and WeCom takes it,
// else pushes push to chat.
func (p *Platform) respondOrPush(ctx context.Context, w *wsConn, chat, reqID string, reply, push map[string]any) error {
	if reqID != "" {
		ok, err := p.respond(ctx, w, reqID, reply)
		if err != nil || ok {
			return err
		}
	}
	return p.push(ctx, w, chat, push)
}

// respond sends one aibot_respond_msg. ok is false (with no error) when
// the req_id was answered already (one reply per callback: everything after
// the first goes through aibot_send_msg) or WeCom refused the reply itself
// (stale or foreign req_id, or a reply of a kind it does not take there):
// the caller pushes the message instead.
func (p *Platform) respond(ctx context.Context, w *wsConn, reqID string, body map[string]any) (ok bool, err error) {
	return p.respondCmd(ctx, w, CmdRespondMsg, reqID, body)
}

// respondCmd is respond for any reply command (aibot_respond_msg,
// aibot_respond_update_msg, aibot_respond_welcome_msg).
func (p *Platform) respondCmd(ctx context.Context, w *wsConn, cmd, reqID string, body map[string]any) (ok bool, err error) {
	if !w.claimReply(reqID) {
		return false, nil
	}
	actx, cancel := context.WithTimeout(ctx, p.lc.tune.AckTimeout)
	defer cancel()
	_, err = w.request(actx, cmd, reqID, body)
	var fe *FrameError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &fe) && !retryable(fe.ErrCode):
		p.log.Info("wecom reply refused, sending it another way", "command", cmd, "req_id", reqID, "errcode", fe.ErrCode, "errmsg", fe.ErrMsg)
		return false, nil
	}
	w.releaseReply(reqID)
	return false, err
}

// push sends one aibot_send_msg to chat.
func (p *Platform) push(ctx context.Context, w *wsConn, chat string, body map[string]any) error {
	b := make(map[string]any, len(body)+1)
	for k, v := range body {
		b[k] = v
	}
	b["chatid"] = chat
	actx, cancel := context.WithTimeout(ctx, p.lc.tune.AckTimeout)
	defer cancel()
	_, err := w.request(actx, CmdSendMsg, newReqID("send"), b)
	return err
}

// uploadMedia sends f through the chunked upload (init, chunks of 512 KB at
// most two at a time, finish) and returns its media_id (valid three days).
func (p *Platform) uploadMedia(ctx context.Context, w *wsConn, f *bot.File) (string, error) {
	if len(f.Data) == 0 {
		return "", &bot.PermanentError{Err: errors.New("wecom: empty file")}
	}
	if len(f.Data) > maxFileSize {
		return "", &bot.PermanentError{Err: fmt.Errorf("wecom: file of %d bytes is over the 20 MB limit", len(f.Data))}
	}
	n := (len(f.Data) + chunkSize - 1) / chunkSize
	if n > maxChunks {
		return "", &bot.PermanentError{Err: fmt.Errorf("wecom: file needs %d chunks, over the limit of %d", n, maxChunks)}
	}
	sum := md5.Sum(f.Data)
	ack, err := p.call(ctx, w, CmdUploadInit, map[string]any{
		"type": "file", "filename": cleanFileName(f.Name), "total_size": len(f.Data),
		"total_chunks": n, "md5": hex.EncodeToString(sum[:]),
	})
	if err != nil {
		return "", err
	}
	var init struct {
		UploadID string `json:"upload_id"`
	}
	if json.Unmarshal(ack.Body, &init) != nil || init.UploadID == "" {
		return "", &bot.RetryError{Err: fmt.Errorf("wecom %s: ack has no upload_id", CmdUploadInit)}
	}

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, uploadParallel)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		chunkErr error
	)
	for i := 0; i < n && cctx.Err() == nil; i++ {
		select {
		case sem <- struct{}{}:
		case <-cctx.Done():
		}
		if cctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			part := f.Data[i*chunkSize : min((i+1)*chunkSize, len(f.Data))]
			_, err := p.call(cctx, w, CmdUploadChunk, map[string]any{
				"upload_id": init.UploadID, "chunk_index": i, "base64_data": base64.StdEncoding.EncodeToString(part),
			})
			if err != nil {
				errOnce.Do(func() { chunkErr = err; cancel() })
			}
		}(i)
	}
	wg.Wait()
	if chunkErr != nil {
		return "", chunkErr
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	ack, err = p.call(ctx, w, CmdUploadFinish, map[string]any{"upload_id": init.UploadID})
	if err != nil {
		return "", err
	}
	var fin struct {
		MediaID string `json:"media_id"`
	}
	if json.Unmarshal(ack.Body, &fin) != nil || fin.MediaID == "" {
		return "", &bot.RetryError{Err: fmt.Errorf("wecom %s: ack has no media_id", CmdUploadFinish)}
	}
	return fin.MediaID, nil
}

// call sends one request with a fresh req_id and waits for its ack.
func (p *Platform) call(ctx context.Context, w *wsConn, cmd string, body any) (Frame, error) {
	actx, cancel := context.WithTimeout(ctx, p.lc.tune.AckTimeout)
	defer cancel()
	return w.request(actx, cmd, newReqID(cmd), body)
}

// retryable reports whether a long-connection errcode is worth retrying.
func retryable(code int64) bool {
	switch code {
	case codeNotSubscribed, codeFreqOutOfLimit, codeAPIConcurrency, codeBusy:
		return true
	}
	return false
}

// longConnError turns a long-connection failure into the outbox's error
// kinds: refusals by WeCom are permanent except rate limits and "not
// subscribed yet"; a dropped connection or a missing ack is retried (the
// message may then arrive twice: delivery is at least once).
func longConnError(err error) error {
	if err == nil {
		return nil
	}
	if bot.Classified(err) {
		return err
	}
	var fe *FrameError
	if errors.As(err, &fe) {
		switch fe.ErrCode {
		case codeFreqOutOfLimit:
			return &bot.RetryError{After: time.Minute, Err: err}
		case codeNotSubscribed, codeAPIConcurrency, codeBusy:
			return &bot.RetryError{After: 5 * time.Second, Err: err}
		}
		return &bot.PermanentError{Err: err}
	}
	return &bot.RetryError{Err: err}
}
