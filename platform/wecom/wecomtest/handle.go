package wecomtest

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

func (s *Server) write(c *conn, f Frame) {
	data, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.c.Write(ctx, websocket.MessageText, data)
}

func (s *Server) ack(c *conn, reqID string, code int64, msg string, body any) {
	f := Frame{Headers: Headers{ReqID: reqID}, ErrCode: &code, ErrMsg: msg}
	if body != nil {
		f.Body, _ = json.Marshal(body)
	}
	s.write(c, f)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	wc, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	wc.SetReadLimit(4 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.mu.Lock()
	s.nextConn++
	c := &conn{n: s.nextConn, c: wc, callbacks: map[string]*callback{}, cancel: cancel}
	s.conns[c.n] = c
	s.notify()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c.n)
		if c.subscribed {
			s.concurrent--
		}
		if s.current == c {
			s.current = nil
		}
		s.notify()
		s.mu.Unlock()
		_ = wc.CloseNow()
	}()
	for {
		typ, data, err := wc.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			continue
		}
		var f Frame
		if err := json.Unmarshal(data, &f); err != nil || f.Cmd == "" || f.Headers.ReqID == "" {
			s.t.Errorf("wecomtest: conn %d: bad frame %s", c.n, data)
			continue
		}
		s.handle(c, f)
	}
}

func (s *Server) handle(c *conn, f Frame) {
	if f.Cmd == "aibot_upload_media_chunk" {
		s.chunk(c, f)
		return
	}
	var body map[string]any
	if len(f.Body) > 0 {
		if err := json.Unmarshal(f.Body, &body); err != nil {
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "body is not an object", nil)
			return
		}
	}
	req := Request{Conn: c.n, Cmd: f.Cmd, ReqID: f.Headers.ReqID, Body: body}
	s.mu.Lock()
	if f.Cmd != "aibot_subscribe" && f.Cmd != "ping" && !c.subscribed {
		s.mu.Unlock()
		s.ack(c, f.Headers.ReqID, CodeNotSubscribed, "not subscribed", nil)
		return
	}
	switch f.Cmd {
	case "aibot_subscribe":
		if Str(body, "bot_id") != s.BotID || Str(body, "secret") != s.Secret {
			s.rejected++
			s.notify()
			s.mu.Unlock()
			// WeCom answers 853000 and may keep the socket open.
			s.ack(c, f.Headers.ReqID, CodeBadCredentials, "invalid bot_id or secret", nil)
			return
		}
		old := s.current
		s.current = c
		c.subscribed = true
		s.subscribes++
		s.concurrent++
		s.maxConc = max(s.maxConc, s.concurrent)
		s.requests = append(s.requests, req)
		s.notify()
		s.mu.Unlock()
		s.ack(c, f.Headers.ReqID, 0, "ok", nil)
		if old != nil && old != c {
			s.mu.Lock()
			s.kicks++
			s.notify()
			s.mu.Unlock()
			s.kick(old)
		}
		return
	case "ping":
		ignore := s.ignorePings
		if !ignore {
			s.requests = append(s.requests, req)
			s.notify()
		}
		s.mu.Unlock()
		if !ignore {
			s.ack(c, f.Headers.ReqID, 0, "ok", nil)
		}
		return
	case "aibot_respond_msg":
		cb := c.callbacks[f.Headers.ReqID]
		if cb == nil {
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeInvalidReqID, "invalid req_id", nil)
			return
		}
		if cb.answered {
			// One reply per callback: a finished stream, a card or a file
			// ends it (banzu's reading; WeCom documents no second reply).
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "req_id already answered", nil)
			return
		}
		if Str(body, "msgtype") != "stream" {
			cb.answered = true
		} else if st, _ := body["stream"].(map[string]any); st["finish"] == true {
			cb.answered = true
		}
		if mt := Str(body, "msgtype"); mt != "stream" && mt != "template_card" && mt != "file" {
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "bad msgtype "+mt, nil)
			return
		}
		if Str(body, "msgtype") == "stream" && (Str(body, "stream", "id") == "" || Str(body, "stream", "content") == "") {
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "stream needs id and content", nil)
			return
		}
	case "aibot_respond_update_msg", "aibot_respond_welcome_msg":
		// Both answer an event within 5 s of it, once: a card update a
		// template_card_event (optionally for some userids only), a
		// welcome an enter_chat.
		want, what := "template_card_event", "update_template_card"
		if f.Cmd == "aibot_respond_welcome_msg" {
			want = "enter_chat"
		}
		cb := c.callbacks[f.Headers.ReqID]
		switch {
		case cb == nil || cb.kind != want:
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeInvalidReqID, "invalid req_id for "+f.Cmd, nil)
			return
		case cb.answered || time.Since(cb.at) > ReplyWindow:
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeReplyExpired, "reply window passed", nil)
			return
		case want == "template_card_event" && (Str(body, "response_type") != what || body["template_card"] == nil):
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "update needs response_type update_template_card and template_card", nil)
			return
		case want == "enter_chat" && Str(body, "text", "content") == "" && body["template_card"] == nil:
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "welcome needs text or template_card", nil)
			return
		}
		cb.answered = true
	case "aibot_send_msg":
		mt := Str(body, "msgtype")
		if Str(body, "chatid") == "" || (mt != "markdown" && mt != "template_card" && mt != "file") {
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "send_msg needs chatid and markdown, template_card or file", nil)
			return
		}
	case "aibot_upload_media_init":
		s.seq++
		id := fmt.Sprintf("up-%d", s.seq)
		total, _ := body["total_chunks"].(float64)
		size, _ := body["total_size"].(float64)
		if Str(body, "type") != "file" || Str(body, "filename") == "" || total < 1 || total > 100 || size < 1 || size > 20<<20 || Str(body, "md5") == "" {
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "bad upload init", nil)
			return
		}
		s.uploads[id] = &upload{filename: Str(body, "filename"), size: int(size), total: int(total), md5: Str(body, "md5"), chunks: map[int][]byte{}}
		s.requests = append(s.requests, req)
		s.notify()
		s.mu.Unlock()
		s.ack(c, f.Headers.ReqID, 0, "ok", map[string]string{"upload_id": id})
		return
	case "aibot_upload_media_finish":
		id := Str(body, "upload_id")
		u := s.uploads[id]
		if u == nil || len(u.chunks) != u.total {
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "upload incomplete", nil)
			return
		}
		var all []byte
		for i := 0; i < u.total; i++ {
			all = append(all, u.chunks[i]...)
		}
		sum := md5.Sum(all)
		if len(all) != u.size || hex.EncodeToString(sum[:]) != u.md5 {
			s.mu.Unlock()
			s.ack(c, f.Headers.ReqID, CodeBadRequest, "size or md5 mismatch", nil)
			return
		}
		delete(s.uploads, id)
		mediaID := fmt.Sprintf("media-%d", len(s.done)+1)
		s.done = append(s.done, Upload{MediaID: mediaID, Filename: u.filename, Data: all, Chunks: u.total})
		s.requests = append(s.requests, req)
		s.notify()
		s.mu.Unlock()
		s.ack(c, f.Headers.ReqID, 0, "ok", map[string]any{"type": "file", "media_id": mediaID, "created_at": time.Now().Unix()})
		return
	default:
		s.mu.Unlock()
		s.ack(c, f.Headers.ReqID, CodeBadRequest, "unknown cmd "+f.Cmd, nil)
		return
	}
	s.requests = append(s.requests, req)
	s.notify()
	s.mu.Unlock()
	s.ack(c, f.Headers.ReqID, 0, "ok", nil)
}

// chunk takes one upload chunk; its ack waits ChunkAckDelay.
func (s *Server) chunk(c *conn, f Frame) {
	var body struct {
		UploadID   string   `json:"upload_id"`
		ChunkIndex *float64 `json:"chunk_index"`
		Data       string   `json:"base64_data"`
	}
	_ = json.Unmarshal(f.Body, &body)
	data, err := base64.StdEncoding.DecodeString(body.Data)
	s.mu.Lock()
	u := s.uploads[body.UploadID]
	if !c.subscribed || u == nil || body.ChunkIndex == nil || int(*body.ChunkIndex) < 0 || int(*body.ChunkIndex) >= u.total ||
		err != nil || len(data) == 0 || len(data) > 512<<10 {
		s.mu.Unlock()
		s.ack(c, f.Headers.ReqID, CodeBadRequest, "bad chunk", nil)
		return
	}
	idx := *body.ChunkIndex
	u.chunks[int(idx)] = data
	s.requests = append(s.requests, Request{Conn: c.n, Cmd: f.Cmd, ReqID: f.Headers.ReqID,
		Body: map[string]any{"upload_id": body.UploadID, "chunk_index": idx, "bytes": float64(len(data))}})
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	delay := s.ChunkAckDelay
	s.notify()
	s.mu.Unlock()
	go func() {
		time.Sleep(delay)
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
		s.ack(c, f.Headers.ReqID, 0, "ok", nil)
	}()
}
