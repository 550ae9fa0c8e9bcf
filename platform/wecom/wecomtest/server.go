// Package wecomtest is a fake of WeCom's intelligent-robot long connection
// (wss://openws.work.weixin.qq.com) for tests: it checks the frames a client
// sends the way WeCom does (subscribe first, known req_ids, chunk sizes,
// md5), answers with acks, pushes messages and card clicks to the
// subscribed client, and records everything it accepted.
//
// It keeps WeCom's rule of one connection per robot: a new subscription
// makes the server send the old connection a disconnected_event and close it
// (Kick does the same on demand). Like the real service, as seen from WeCom's
// own Node SDK (scripts/sdkcheck runs that SDK against this fake): clicks may
// come without task_id or in the flat event.event_key shape (Click), frames
// may carry raw control characters (Message.Control), a click's req_id takes
// one aibot_respond_update_msg and an enter_chat's one
// aibot_respond_welcome_msg within ReplyWindow, and a callback takes one
// final aibot_respond_msg.
package wecomtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Error codes the fake answers.
const (
	CodeBadCredentials = 853000
	CodeInvalidReqID   = 846605
	CodeNotSubscribed  = 846609
	CodeBadRequest     = 40058
	CodeReplyExpired   = 846608
)

// ReplyWindow is how long after an event the fake takes a card update or a
// welcome on its req_id (WeCom: 5 s).
const ReplyWindow = 5 * time.Second

// Frame is one frame as the fake sees it.
type Frame struct {
	Cmd     string          `json:"cmd,omitempty"`
	Headers Headers         `json:"headers"`
	Body    json.RawMessage `json:"body,omitempty"`
	ErrCode *int64          `json:"errcode,omitempty"`
	ErrMsg  string          `json:"errmsg,omitempty"`
}

// Headers are a frame's headers.
type Headers struct {
	ReqID string `json:"req_id"`
}

// Request is a frame the fake accepted from a client.
type Request struct {
	Conn  int            // connection number, from 1
	Cmd   string         // e.g. "aibot_send_msg"
	ReqID string         //
	Body  map[string]any // decoded body
}

// Str digs a string out of the body: r.Str("markdown", "content").
func (r Request) Str(path ...string) string { return Str(r.Body, path...) }

// Str digs a string out of a decoded JSON object.
func Str(m map[string]any, path ...string) string {
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}

// Upload is a file the fake received through the chunked upload.
type Upload struct {
	MediaID  string
	Filename string
	Data     []byte
	Chunks   int
}

// Server is the fake. Create it with New; it stops when the test ends.
type Server struct {
	t      testing.TB
	BotID  string
	Secret string
	srv    *httptest.Server

	// ChunkAckDelay delays each chunk's ack so that a test can see how many
	// chunks a client has in flight (MaxChunksInFlight).
	ChunkAckDelay time.Duration

	mu          sync.Mutex
	nextConn    int
	conns       map[int]*conn
	current     *conn // the subscribed connection, nil if none
	requests    []Request
	subscribes  int // accepted subscriptions
	rejected    int // refused subscriptions
	kicks       int // disconnected_events sent
	concurrent  int // subscribed connections open now (WeCom: at most one)
	maxConc     int
	ignorePings bool
	uploads     map[string]*upload
	done        []Upload
	inFlight    int
	maxInFlight int
	seq         int
	changed     chan struct{}
}

type conn struct {
	n          int
	c          *websocket.Conn
	subscribed bool
	callbacks  map[string]*callback // req_ids of callbacks sent on this connection
	cancel     context.CancelFunc
}

// callback is what the fake remembers of a callback it sent.
type callback struct {
	kind     string // "msg", "template_card_event", "enter_chat", ...
	at       time.Time
	answered bool // a final reply went out on its req_id
}

type upload struct {
	filename string
	size     int
	total    int
	md5      string
	chunks   map[int][]byte
}

// New starts a fake for one robot.
func New(t testing.TB, botID, secret string) *Server {
	s := &Server{t: t, BotID: botID, Secret: secret, conns: map[int]*conn{}, uploads: map[string]*upload{}, changed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// URL is the ws:// address to configure as wecom.aibot.ws_url.
func (s *Server) URL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") }

// Close drops every connection and stops the server.
func (s *Server) Close() {
	s.DropAll()
	s.srv.Close()
}

// IgnorePings makes the fake stop answering pings (a dead link).
func (s *Server) IgnorePings(on bool) {
	s.mu.Lock()
	s.ignorePings = on
	s.mu.Unlock()
}

// DropAll closes every connection abruptly, as a network drop does.
func (s *Server) DropAll() {
	s.mu.Lock()
	var cs []*conn
	for _, c := range s.conns {
		cs = append(cs, c)
	}
	s.mu.Unlock()
	for _, c := range cs {
		_ = c.c.CloseNow()
	}
}

// notify wakes the waiters; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Snapshot is the fake's state at one moment.
type Snapshot struct {
	Subscribed        int  // accepted subscriptions so far
	Rejected          int  // refused subscriptions (bad bot_id or secret)
	Kicks             int  // disconnected_events sent
	Connections       int  // WebSocket connections accepted so far
	Online            bool // a subscribed connection is open
	MaxConcurrent     int  // most subscribed connections ever open at once
	MaxChunksInFlight int  // most upload chunks ever waiting for their ack
	Requests          []Request
	Uploads           []Upload
}

// Of returns the requests with cmd, in order.
func (sn Snapshot) Of(cmd string) []Request {
	var out []Request
	for _, r := range sn.Requests {
		if r.Cmd == cmd {
			out = append(out, r)
		}
	}
	return out
}

// State returns a snapshot of the fake.
func (s *Server) State() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot()
}

func (s *Server) snapshot() Snapshot {
	return Snapshot{
		Subscribed: s.subscribes, Rejected: s.rejected, Kicks: s.kicks, Connections: s.nextConn,
		Online: s.current != nil, MaxConcurrent: s.maxConc, MaxChunksInFlight: s.maxInFlight,
		Requests: append([]Request(nil), s.requests...), Uploads: append([]Upload(nil), s.done...),
	}
}

// Wait calls cond with fresh snapshots until it holds, failing the test
// after timeout. It returns the snapshot that satisfied cond.
func (s *Server) Wait(timeout time.Duration, what string, cond func(Snapshot) bool) Snapshot {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		sn := s.snapshot()
		ch := s.changed
		s.mu.Unlock()
		if cond(sn) {
			return sn
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.t.Fatalf("wecomtest: timed out waiting for %s", what)
			return sn
		}
	}
}

// Message describes a message pushed to the client.
type Message struct {
	MsgID    string // generated when empty
	ChatID   string // empty for a single chat
	UserID   string
	Text     string // sent as "@Robot " + Text
	ChatType string // "group" (default with a ChatID) or "single"
	// Control puts raw control characters into the frame (after the text
	// and between JSON tokens), as real WeCom frames carry them; WeCom's
	// SDK strips [\x00-\x08\x0B-\x0D\x0E-\x1F] before parsing.
	Control bool
}

// SendText pushes an aibot_msg_callback text message to the subscribed
// connection and returns its req_id. It fails the test when no client is
// subscribed.
func (s *Server) SendText(m Message) string {
	s.t.Helper()
	if m.ChatType == "" {
		m.ChatType = "single"
		if m.ChatID != "" {
			m.ChatType = "group"
		}
	}
	s.mu.Lock()
	s.seq++
	if m.MsgID == "" {
		m.MsgID = fmt.Sprintf("msg-%d", s.seq)
	}
	s.mu.Unlock()
	body := map[string]any{
		"msgid": m.MsgID, "aibotid": s.BotID, "chattype": m.ChatType,
		"from": map[string]string{"userid": m.UserID}, "create_time": time.Now().Unix(),
		"msgtype": "text", "text": map[string]string{"content": "@班组助手 " + m.Text},
	}
	if m.ChatID != "" {
		body["chatid"] = m.ChatID
	}
	if m.Control {
		body["text"] = map[string]string{"content": "@班组助手 " + m.Text + "\x01"}
		return s.pushRaw("aibot_msg_callback", body, func(b []byte) []byte {
			b = bytes.ReplaceAll(b, []byte(`\u0001`), []byte{0x01})
			return append([]byte{0x0b, 0x1f}, b...)
		})
	}
	return s.push("aibot_msg_callback", body)
}

// SendRaw writes data as one text frame to the subscribed connection, as it
// is (a frame that is not JSON, say).
func (s *Server) SendRaw(data []byte) {
	s.t.Helper()
	s.mu.Lock()
	c := s.current
	s.mu.Unlock()
	if c == nil {
		s.t.Fatalf("wecomtest: raw frame with no subscribed client")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.c.Write(ctx, websocket.MessageText, data)
}

// Click describes a template card click.
type Click struct {
	MsgID    string // generated when empty
	ChatID   string
	UserID   string
	CardType string   // "button_interaction" or "vote_interaction"
	TaskID   string   // the task_id of the card clicked
	Key      string   // the button's key (event_key)
	Options  []string // vote: chosen option ids
	// NoTaskID leaves task_id out, as WeCom does in some button callbacks
	// (a field report).
	NoTaskID bool
	// Flat sends the shape WeCom's Node SDK's types describe:
	// event.event_key and event.task_id, no template_card_event object.
	Flat bool
}

// SendClick pushes a template_card_event and returns its req_id.
func (s *Server) SendClick(c Click) string {
	s.t.Helper()
	s.mu.Lock()
	s.seq++
	if c.MsgID == "" {
		c.MsgID = fmt.Sprintf("ev-%d", s.seq)
	}
	s.mu.Unlock()
	ev := map[string]any{"card_type": c.CardType, "event_key": c.Key}
	if !c.NoTaskID {
		ev["task_id"] = c.TaskID
	}
	if len(c.Options) > 0 {
		ev["selected_items"] = map[string]any{"selected_item": []any{map[string]any{
			"question_key": "q", "option_ids": map[string]any{"option_id": c.Options},
		}}}
	}
	event := map[string]any{"eventtype": "template_card_event", "template_card_event": ev}
	if c.Flat {
		event = map[string]any{"eventtype": "template_card_event", "event_key": c.Key}
		if !c.NoTaskID && c.TaskID != "" {
			event["task_id"] = c.TaskID
		}
	}
	body := map[string]any{
		"msgid": c.MsgID, "aibotid": s.BotID, "chatid": c.ChatID, "chattype": "group",
		"from": map[string]string{"userid": c.UserID}, "create_time": time.Now().Unix(), "msgtype": "event",
		"event": event,
	}
	return s.push("aibot_event_callback", body)
}

// SendEnterChat pushes an enter_chat event (a user opened a single chat with
// the robot) and returns its req_id.
func (s *Server) SendEnterChat(userID string) string {
	s.t.Helper()
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("enter-%d", s.seq)
	s.mu.Unlock()
	return s.push("aibot_event_callback", map[string]any{
		"msgid": id, "aibotid": s.BotID, "chattype": "single", "from": map[string]string{"userid": userID},
		"create_time": time.Now().Unix(), "msgtype": "event", "event": map[string]any{"eventtype": "enter_chat"},
	})
}

// Kick does what WeCom does when another connection subscribes the robot:
// it sends the subscribed connection a disconnected_event and closes it.
func (s *Server) Kick() {
	s.mu.Lock()
	c := s.current
	s.current = nil
	if c != nil {
		s.kicks++
		s.notify()
	}
	s.mu.Unlock()
	if c != nil {
		s.kick(c)
	}
}

func (s *Server) kick(old *conn) {
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"msgid": fmt.Sprintf("disc-%d", seq), "aibotid": s.BotID, "create_time": time.Now().Unix(),
		"msgtype": "event", "event": map[string]any{"eventtype": "disconnected_event"}})
	s.write(old, Frame{Cmd: "aibot_event_callback", Headers: Headers{ReqID: fmt.Sprintf("cb-%d", seq)}, Body: b})
	go old.c.Close(websocket.StatusNormalClosure, "another connection subscribed")
}

// push sends a callback to the subscribed connection.
func (s *Server) push(cmd string, body map[string]any) string {
	s.t.Helper()
	return s.pushRaw(cmd, body, nil)
}

// pushRaw is push with the encoded frame passed through edit.
func (s *Server) pushRaw(cmd string, body map[string]any, edit func([]byte) []byte) string {
	s.t.Helper()
	s.mu.Lock()
	c := s.current
	if c == nil {
		s.mu.Unlock()
		s.t.Fatalf("wecomtest: %s with no subscribed client", cmd)
		return ""
	}
	s.seq++
	reqID := fmt.Sprintf("cb-%d", s.seq)
	kind := "msg"
	if ev, ok := body["event"].(map[string]any); ok {
		kind, _ = ev["eventtype"].(string)
	}
	c.callbacks[reqID] = &callback{kind: kind, at: time.Now()}
	s.mu.Unlock()
	b, _ := json.Marshal(body)
	f := Frame{Cmd: cmd, Headers: Headers{ReqID: reqID}, Body: b}
	if edit == nil {
		s.write(c, f)
		return reqID
	}
	data, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.c.Write(ctx, websocket.MessageText, edit(data))
	return reqID
}

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
