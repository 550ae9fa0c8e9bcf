// Package dingtalktest is a fake DingTalk for end-to-end tests: one
// httptest server playing the stream gateway (connections/open and the
// websocket), api.dingtalk.com (access token, robot group and one-to-one
// sends), oapi.dingtalk.com (media upload) and session webhooks. Point both
// dingtalk.api_base and dingtalk.oapi_base at Server.URL; session webhooks
// made with Server.SessionWebhook are on that host, so the adapter trusts
// them.
//
// The fake checks each request's shape the way DingTalk would (credentials,
// access token header, robotCode, msgParam as a JSON string, multipart field
// names), reports violations with t.Errorf and answers them with an error.
// It speaks the stream protocol from DingTalk's documents, independently of
// the adapter's code.
package dingtalktest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Paths the fake serves.
const (
	PathConnectionsOpen = "/v1.0/gateway/connections/open"
	PathGateway         = "/gateway"
	PathAccessToken     = "/v1.0/oauth2/accessToken"
	PathGroupSend       = "/v1.0/robot/groupMessages/send"
	PathOtoSend         = "/v1.0/robot/oToMessages/batchSend"
	PathMediaUpload     = "/media/upload"
	PathSessionWebhook  = "/robot/sendBySession"
	PathCardDeliver     = "/v1.0/card/instances/createAndDeliver"
)

// Stream topics: messages to the robot, and interactive-card callbacks.
const (
	TopicBotMessage = "/v1.0/im/bot/messages/get"
	TopicCard       = "/v1.0/card/instances/callback"
)

// Call is one HTTP request the fake accepted.
type Call struct {
	Path  string
	Query url.Values
	Token string         // x-acs-dingtalk-access-token header
	Body  map[string]any // JSON body
	Param map[string]any // msgParam decoded (robot sends)
	// Multipart upload (media/upload).
	Type, Field, FileName string
	FileData              []byte
}

// Server is the fake. Its fields are set by New and read-only after.
type Server struct {
	URL          string
	ClientID     string
	ClientSecret string
	RobotCode    string
	t            testing.TB
	srv          *httptest.Server
	conns        chan *Conn
	stop         chan struct{}

	mu      sync.Mutex
	plain   bool     // see PlainTickets
	topics  []string // CALLBACK topics of the last connections/open
	calls   []Call
	opens   int
	tokens  int
	media   int
	tickets map[string]bool
	raw     []net.Conn
}

// New starts a fake that accepts the given app credentials and robot code.
// It is closed when the test ends.
func New(t testing.TB, clientID, clientSecret, robotCode string) *Server {
	s := &Server{ClientID: clientID, ClientSecret: clientSecret, RobotCode: robotCode, t: t,
		conns: make(chan *Conn, 16), stop: make(chan struct{}), tickets: map[string]bool{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateHijacked { // websockets
			s.mu.Lock()
			s.raw = append(s.raw, c)
			s.mu.Unlock()
		}
	}
	s.srv.Start()
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close drops every connection and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.stop:
		s.mu.Unlock()
		return
	default:
		close(s.stop)
	}
	s.mu.Unlock()
	s.Drop()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// PlainTickets makes the fake hand out stream tickets that need no escaping
// in a URL. DingTalk's Node SDK puts the ticket into the URL as it is
// (`${endpoint}?ticket=${ticket}`); by default the fake's tickets contain
// "+", "/" and "=" to check that banzu escapes them.
func (s *Server) PlainTickets(on bool) {
	s.mu.Lock()
	s.plain = on
	s.mu.Unlock()
}

// SessionWebhook is a session webhook URL on the fake, named by session.
func (s *Server) SessionWebhook(session string) string {
	return s.URL + PathSessionWebhook + "?session=" + url.QueryEscape(session)
}

// Drop closes every websocket's TCP connection abruptly, without a close
// frame, like a network failure.
func (s *Server) Drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.raw {
		_ = c.Close()
	}
	s.raw = nil
}

// Opens is how many connections/open requests succeeded.
func (s *Server) Opens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens
}

// Calls returns the accepted calls to path, in order ("" for all).
func (s *Server) Calls(path string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// WebhookCalls returns the calls to the session webhook of session.
func (s *Server) WebhookCalls(session string) []Call {
	var out []Call
	for _, c := range s.Calls(PathSessionWebhook) {
		if c.Query.Get("session") == session {
			out = append(out, c)
		}
	}
	return out
}

// NextConn waits up to five seconds for the client's next websocket.
func (s *Server) NextConn(t testing.TB) *Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("dingtalktest: the client did not connect to the gateway")
		return nil
	}
}

// Conn is one accepted stream connection as the gateway sees it.
