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
	"context"
	"encoding/json"
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
