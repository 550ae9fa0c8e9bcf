package wecom

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Commands of the intelligent robot's long connection (see
// ../shared/platform-notes.md, "Intelligent-robot long connection").
const (
	CmdSubscribe      = "aibot_subscribe"
	CmdPing           = "ping"
	CmdMsgCallback    = "aibot_msg_callback"
	CmdEventCallback  = "aibot_event_callback"
	CmdRespondMsg     = "aibot_respond_msg"
	CmdRespondUpdate  = "aibot_respond_update_msg"
	CmdRespondWelcome = "aibot_respond_welcome_msg"
	CmdSendMsg        = "aibot_send_msg"
	CmdUploadInit     = "aibot_upload_media_init"
	CmdUploadChunk    = "aibot_upload_media_chunk"
	CmdUploadFinish   = "aibot_upload_media_finish"
)

// Error codes of the long connection.
const (
	codeBadCredentials = 853000 // bad bot_id or secret
	codeInvalidReqID   = 846605 // the req_id is not from this connection
	codeStreamExpired  = 846608 // the reply window of the req_id has closed
	codeNotSubscribed  = 846609 // the connection has not subscribed yet
)

// Frame is one long-connection frame. Requests and callbacks have Cmd; acks
// have none and carry ErrCode/ErrMsg, matched to their request by req_id.
type Frame struct {
	Cmd     string          `json:"cmd,omitempty"`
	Headers FrameHeaders    `json:"headers"`
	Body    json.RawMessage `json:"body,omitempty"`
	ErrCode *int64          `json:"errcode,omitempty"`
	ErrMsg  string          `json:"errmsg,omitempty"`
}

// FrameHeaders are a frame's headers.
type FrameHeaders struct {
	ReqID string `json:"req_id"`
}

// FrameError is an ack with errcode != 0.
type FrameError struct {
	Cmd     string
	ErrCode int64
	ErrMsg  string
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("wecom %s: errcode %d: %s", e.Cmd, e.ErrCode, e.ErrMsg)
}

// errConnClosed is returned for a request whose connection went away before
// its ack arrived.
var errConnClosed = errors.New("wecom long connection closed")

// newReqID returns a fresh request id: a prefix naming the command's kind and
// 16 random hex digits.
func newReqID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// wsConn is one subscribed (or subscribing) connection. Requests may be sent
// from any goroutine: coder/websocket allows concurrent writers, acks are
// routed to their request by req_id, and a keyed lock keeps at most one frame
// per req_id in flight (the server matches acks by req_id alone, and replies
// to one callback must go out one at a time, each acked).
type wsConn struct {
	id   string // unique per connection; replies carry it in Event.Reply
	c    *websocket.Conn
	done chan struct{} // closed when the read loop ends

	mu      sync.Mutex
	pending map[string]chan Frame
	locks   map[string]*reqLock
	closed  bool
	// replied holds the callback req_ids answered on this connection (with
	// when): WeCom documents one reply per callback, so later messages for
	// the same event are pushed.
	replied map[string]time.Time
}

type reqLock struct {
	ch   chan struct{} // a one-slot semaphore
	refs int
}

func newWSConn(c *websocket.Conn) *wsConn {
	return &wsConn{
		id:      newReqID("conn"),
		c:       c,
		done:    make(chan struct{}),
		pending: map[string]chan Frame{},
		locks:   map[string]*reqLock{},
		replied: map[string]time.Time{},
	}
}

// repliedTTL is how long a used req_id is remembered: longer than any
// reply window (a stream may take about six minutes to finish).
const repliedTTL = 15 * time.Minute

// claimReply reports whether reqID may still be answered on this
// connection, and marks it used. release gives it back (the reply was
// never acknowledged, so a retry may use it).
func (w *wsConn) claimReply(reqID string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if len(w.replied) > 1024 {
		for id, at := range w.replied {
			if now.Sub(at) > repliedTTL {
				delete(w.replied, id)
			}
		}
	}
	if _, used := w.replied[reqID]; used {
		return false
	}
	w.replied[reqID] = now
	return true
}

func (w *wsConn) releaseReply(reqID string) {
	w.mu.Lock()
	delete(w.replied, reqID)
	w.mu.Unlock()
}

// lockReq waits until no other frame with reqID is in flight on this
// connection and returns the unlock function.
func (w *wsConn) lockReq(ctx context.Context, reqID string) (func(), error) {
	w.mu.Lock()
	l := w.locks[reqID]
	if l == nil {
		l = &reqLock{ch: make(chan struct{}, 1)}
		w.locks[reqID] = l
	}
	l.refs++
	w.mu.Unlock()
	drop := func() {
		w.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(w.locks, reqID)
		}
		w.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; drop() }, nil
	case <-ctx.Done():
		drop()
		return nil, ctx.Err()
	case <-w.done:
		drop()
		return nil, errConnClosed
	}
}

// request sends one frame and waits for its ack. An ack with errcode != 0
// is returned as *FrameError together with the frame.
func (w *wsConn) request(ctx context.Context, cmd, reqID string, body any) (Frame, error) {
	unlock, err := w.lockReq(ctx, reqID)
	if err != nil {
		return Frame{}, err
	}
	defer unlock()
	data, err := encodeFrame(cmd, reqID, body)
	if err != nil {
		return Frame{}, err
	}
	ch := make(chan Frame, 1)
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return Frame{}, errConnClosed
	}
	w.pending[reqID] = ch
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		if w.pending[reqID] == ch {
			delete(w.pending, reqID)
		}
		w.mu.Unlock()
	}()
	// A write whose context ends closes the connection (coder/websocket):
	// that is what a write stuck for this long deserves.
	if err := w.c.Write(ctx, websocket.MessageText, data); err != nil {
		return Frame{}, fmt.Errorf("wecom %s: write: %w", cmd, err)
	}
	select {
	case ack := <-ch:
		if ack.ErrCode != nil && *ack.ErrCode != 0 {
			return ack, &FrameError{Cmd: cmd, ErrCode: *ack.ErrCode, ErrMsg: ack.ErrMsg}
		}
		return ack, nil
	case <-ctx.Done():
		return Frame{}, fmt.Errorf("wecom %s: no ack: %w", cmd, ctx.Err())
	case <-w.done:
		return Frame{}, fmt.Errorf("wecom %s: %w", cmd, errConnClosed)
	}
}

// deliverAck hands an ack to the request waiting for it and reports whether
// one was.
func (w *wsConn) deliverAck(f Frame) bool {
	w.mu.Lock()
	ch := w.pending[f.Headers.ReqID]
	delete(w.pending, f.Headers.ReqID)
	w.mu.Unlock()
	if ch == nil {
		return false
	}
	ch <- f // buffered, one ack per request
	return true
}

// markClosed fails every waiting and future request; the read loop calls it
// when it ends.
func (w *wsConn) markClosed() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.done)
	}
	w.mu.Unlock()
}

// encodeFrame builds {"cmd", "headers": {"req_id"}, "body"}. The body is
// spliced in rather than passed through json.Marshal as a RawMessage, which
// would scan it again (upload chunks are 700 KB of base64).
func encodeFrame(cmd, reqID string, body any) ([]byte, error) {
	head, err := json.Marshal(struct {
		Cmd     string       `json:"cmd"`
		Headers FrameHeaders `json:"headers"`
	}{cmd, FrameHeaders{ReqID: reqID}})
	if err != nil {
		return nil, err
	}
	if body == nil {
		return head, nil
	}
	b, err := marshalNoEscape(body)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(head)+len(b)+8)
	out = append(out, head[:len(head)-1]...)
	out = append(out, `,"body":`...)
	out = append(out, b...)
	return append(out, '}'), nil
}

// marshalNoEscape encodes v as JSON keeping <, > and & as they are (markdown
// with <@userid> mentions and <font> tags).
func marshalNoEscape(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ackTimeout bounds the wait for one ack.
const ackTimeout = 10 * time.Second
