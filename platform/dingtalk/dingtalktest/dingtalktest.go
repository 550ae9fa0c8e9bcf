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
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
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

func (s *Server) fail(w http.ResponseWriter, status int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.t.Errorf("dingtalktest: %s", msg)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": "invalidParameter", "message": msg})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == PathGateway {
		s.accept(w, r)
		return
	}
	if r.Method != http.MethodPost {
		s.fail(w, http.StatusMethodNotAllowed, "%s %s: want POST", r.Method, r.URL.Path)
		return
	}
	c := Call{Path: r.URL.Path, Query: r.URL.Query(), Token: r.Header.Get("x-acs-dingtalk-access-token")}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		if err := json.NewDecoder(r.Body).Decode(&c.Body); err != nil {
			s.fail(w, http.StatusBadRequest, "%s: body is not JSON: %v", c.Path, err)
			return
		}
	case "multipart/form-data":
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				s.fail(w, http.StatusBadRequest, "%s: bad multipart: %v", c.Path, err)
				return
			}
			data, _ := io.ReadAll(part)
			if part.FileName() != "" {
				c.Field, c.FileName, c.FileData = part.FormName(), part.FileName(), data
			} else if part.FormName() == "type" {
				c.Type = string(data)
			}
		}
	default:
		s.fail(w, http.StatusBadRequest, "%s: content type %q", c.Path, mt)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch c.Path {
	case PathConnectionsOpen:
		if c.Body["clientId"] != s.ClientID || c.Body["clientSecret"] != s.ClientSecret {
			s.fail(w, http.StatusUnauthorized, "connections/open: credentials %v / %v", c.Body["clientId"], c.Body["clientSecret"])
			return
		}
		subs, _ := c.Body["subscriptions"].([]any)
		found := false
		s.topics = nil
		for _, sub := range subs {
			m, _ := sub.(map[string]any)
			found = found || (m["type"] == "CALLBACK" && m["topic"] == TopicBotMessage)
			if m["type"] == "CALLBACK" {
				topic, _ := m["topic"].(string)
				s.topics = append(s.topics, topic)
			}
		}
		if !found {
			s.fail(w, http.StatusBadRequest, "connections/open: no CALLBACK subscription to %s: %v", TopicBotMessage, c.Body["subscriptions"])
			return
		}
		s.opens++
		ticket := fmt.Sprintf("ticket+%d/=", s.opens) // needs escaping in the URL
		if s.plain {
			ticket = fmt.Sprintf("ticket-%d", s.opens)
		}
		s.tickets[ticket] = true
		_ = json.NewEncoder(w).Encode(map[string]string{
			"endpoint": "ws://" + s.srv.Listener.Addr().String() + PathGateway,
			"ticket":   ticket,
		})
	case PathAccessToken:
		if c.Body["appKey"] != s.ClientID || c.Body["appSecret"] != s.ClientSecret {
			s.fail(w, http.StatusBadRequest, "accessToken: appKey %v appSecret %v", c.Body["appKey"], c.Body["appSecret"])
			return
		}
		s.tokens++
		fmt.Fprintf(w, `{"accessToken":"fake-token-%d","expireIn":7200}`, s.tokens)
	case PathGroupSend, PathOtoSend:
		if !s.validToken(c.Token) {
			s.fail(w, http.StatusUnauthorized, "%s: access token %q", c.Path, c.Token)
			return
		}
		if c.Body["robotCode"] != s.RobotCode {
			s.fail(w, http.StatusBadRequest, "%s: robotCode %v", c.Path, c.Body["robotCode"])
			return
		}
		if c.Path == PathGroupSend {
			if id, _ := c.Body["openConversationId"].(string); id == "" {
				s.fail(w, http.StatusBadRequest, "groupMessages/send: no openConversationId")
				return
			}
		} else if ids, _ := c.Body["userIds"].([]any); len(ids) == 0 || len(ids) > 20 {
			s.fail(w, http.StatusBadRequest, "batchSend: userIds %v", c.Body["userIds"])
			return
		}
		if key, _ := c.Body["msgKey"].(string); key == "" {
			s.fail(w, http.StatusBadRequest, "%s: no msgKey", c.Path)
			return
		}
		param, ok := c.Body["msgParam"].(string)
		if !ok || json.Unmarshal([]byte(param), &c.Param) != nil {
			s.fail(w, http.StatusBadRequest, "%s: msgParam %v is not a JSON string", c.Path, c.Body["msgParam"])
			return
		}
		fmt.Fprint(w, `{"processQueryKey":"pqk"}`)
	case PathCardDeliver:
		if !s.validToken(c.Token) {
			s.fail(w, http.StatusUnauthorized, "%s: access token %q", c.Path, c.Token)
			return
		}
		if msg := checkCardDeliver(c.Body, s.RobotCode); msg != "" {
			s.fail(w, http.StatusBadRequest, "card/instances/createAndDeliver: %s", msg)
			return
		}
		fmt.Fprintf(w, `{"success":true,"result":{"outTrackId":%q,"deliverResults":[{"success":true}]}}`, c.Body["outTrackId"])
	case PathMediaUpload:
		if !s.validToken(c.Query.Get("access_token")) {
			s.fail(w, http.StatusOK, "media/upload: access_token %q", c.Query.Get("access_token"))
			return
		}
		if c.Query.Get("type") != "file" && c.Type != "file" {
			s.fail(w, http.StatusOK, "media/upload: type is not file")
			return
		}
		if c.Field != "media" || c.FileName == "" || len(c.FileData) == 0 {
			s.fail(w, http.StatusOK, "media/upload: field %q file %q of %d bytes", c.Field, c.FileName, len(c.FileData))
			return
		}
		s.media++
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"@media-%d","created_at":1772443200000}`, s.media)
	case PathSessionWebhook:
		mtype, _ := c.Body["msgtype"].(string)
		if obj, ok := c.Body[mtype].(map[string]any); !ok || (mtype != "text" && mtype != "markdown") || len(obj) == 0 {
			s.fail(w, http.StatusOK, "session webhook: body %v", c.Body)
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	default:
		s.fail(w, http.StatusNotFound, "unknown path %s", c.Path)
		return
	}
	s.calls = append(s.calls, c)
}

// checkCardDeliver checks a createAndDeliver body as DingTalk's card OpenAPI
// describes it and returns what is wrong, or "".
func checkCardDeliver(b map[string]any, robotCode string) string {
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	obj := func(m map[string]any, k string) map[string]any { v, _ := m[k].(map[string]any); return v }
	if str(b, "cardTemplateId") == "" || str(b, "outTrackId") == "" {
		return "cardTemplateId and outTrackId are required"
	}
	if str(b, "callbackType") != "STREAM" {
		return "callbackType is not STREAM: clicks would not come back over the stream"
	}
	params := obj(obj(b, "cardData"), "cardParamMap")
	if len(params) == 0 {
		return "no cardData.cardParamMap"
	}
	for k, v := range params {
		if _, ok := v.(string); !ok {
			return "cardParamMap." + k + " is not a string"
		}
	}
	space := str(b, "openSpaceId")
	switch {
	case len(space) > len("dtv1.card//IM_GROUP.") && space[:len("dtv1.card//IM_GROUP.")] == "dtv1.card//IM_GROUP.":
		if str(obj(b, "imGroupOpenDeliverModel"), "robotCode") != robotCode {
			return "imGroupOpenDeliverModel.robotCode is not the robot's"
		}
	case len(space) > len("dtv1.card//IM_ROBOT.") && space[:len("dtv1.card//IM_ROBOT.")] == "dtv1.card//IM_ROBOT.":
		m := obj(b, "imRobotOpenDeliverModel")
		if str(m, "robotCode") != robotCode || str(m, "spaceType") != "IM_ROBOT" {
			return "imRobotOpenDeliverModel needs spaceType IM_ROBOT and the robot's robotCode"
		}
	default:
		return "openSpaceId " + space + " is neither dtv1.card//IM_GROUP.<cid> nor dtv1.card//IM_ROBOT.<userId>"
	}
	return ""
}

// Topics returns the CALLBACK topics the client subscribed to in its last
// connections/open.
func (s *Server) Topics() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.topics...)
}

// validToken reports whether tok is a token the fake handed out.
func (s *Server) validToken(tok string) bool {
	var n int
	_, err := fmt.Sscanf(tok, "fake-token-%d", &n)
	return err == nil && n >= 1 && n <= s.tokens
}

// Conn is one accepted stream connection as the gateway sees it.
type Conn struct {
	ws   *websocket.Conn
	acks chan Ack
	done chan struct{}
}

// Ack is a client's acknowledgement of a frame.
type Ack struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`
}

func (s *Server) accept(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := s.tickets[ticket]
	delete(s.tickets, ticket) // one use
	s.mu.Unlock()
	if !ok {
		s.t.Errorf("dingtalktest: websocket with unknown or used ticket %q", ticket)
		http.Error(w, "bad ticket", http.StatusForbidden)
		return
	}
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	c := &Conn{ws: ws, acks: make(chan Ack, 64), done: make(chan struct{})}
	defer close(c.done)
	defer ws.CloseNow()
	select {
	case s.conns <- c:
	case <-s.stop:
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		var a Ack
		if err := json.Unmarshal(data, &a); err != nil {
			s.t.Errorf("dingtalktest: the client sent a frame that is not JSON: %q", data)
			continue
		}
		select {
		case c.acks <- a:
		default:
			s.t.Errorf("dingtalktest: acknowledgements not read by the test")
		}
	}
}

// Send writes one frame to the client.
func (c *Conn) Send(t testing.TB, typ, topic, messageID, data string) {
	t.Helper()
	f := map[string]any{
		"specVersion": "1.0",
		"type":        typ,
		"headers": map[string]string{
			"topic": topic, "messageId": messageID, "contentType": "application/json",
			"time": strconv.FormatInt(time.Now().UnixMilli(), 10), "appId": "fake-app",
		},
		"data": data,
	}
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("dingtalktest: gateway write: %v", err)
	}
}

// SendMessage delivers a robot message (a CALLBACK frame) and waits for its
// acknowledgement, which must be code 200 for the same messageId.
func (c *Conn) SendMessage(t testing.TB, frameID string, m Message) {
	t.Helper()
	c.Send(t, "CALLBACK", TopicBotMessage, frameID, string(m.JSON()))
	if a := c.Ack(t); a.Code != 200 || a.Headers["messageId"] != frameID {
		t.Fatalf("dingtalktest: ack of %s = %+v", frameID, a)
	}
}

// CardClick is a tap on an interactive card's button.
type CardClick struct {
	OutTrackID string // the card instance's outTrackId, as delivered
	UserID     string // who tapped
	Option     string // the button's "option" callback parameter
	Robot      bool   // delivered into a robot single chat (IM_ROBOT)
}

// SendCardClick delivers a card callback (a CALLBACK frame on TopicCard)
// and waits for its acknowledgement.
func (c *Conn) SendCardClick(t testing.TB, frameID string, k CardClick) {
	t.Helper()
	content, _ := json.Marshal(map[string]any{"cardPrivateData": map[string]any{
		"actionIds": []string{"choose"}, "params": map[string]string{"option": k.Option}}})
	space := "IM_GROUP"
	if k.Robot {
		space = "IM_ROBOT"
	}
	data, _ := json.Marshal(map[string]any{"outTrackId": k.OutTrackID, "userId": k.UserID, "corpId": "ding-corp",
		"spaceType": space, "content": string(content), "type": "actionCallback"})
	c.Send(t, "CALLBACK", TopicCard, frameID, string(data))
	if a := c.Ack(t); a.Code != 200 || a.Headers["messageId"] != frameID {
		t.Fatalf("dingtalktest: ack of %s = %+v", frameID, a)
	}
}

// Ack waits up to five seconds for the client's next acknowledgement.
func (c *Conn) Ack(t testing.TB) Ack {
	t.Helper()
	select {
	case a := <-c.acks:
		return a
	case <-time.After(5 * time.Second):
		t.Fatal("dingtalktest: no acknowledgement from the client")
		return Ack{}
	}
}

// Closed waits up to five seconds for the connection to end.
func (c *Conn) Closed(t testing.TB) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Fatal("dingtalktest: the connection did not close")
	}
}

// Message is a robot text message as DingTalk delivers it (the same body
// over the stream and to an HTTP callback).
type Message struct {
	MsgID          string
	ConversationID string // also the openConversationId
	Group          bool   // conversationType "2", else "1"
	Title          string // the group's name
	SenderStaffID  string
	SenderNick     string
	Text           string // DingTalk puts a space before it
	SessionWebhook string
	WebhookExpires time.Time // zero: 90 minutes from now
	RobotCode      string
}

// JSON is the message body.
func (m Message) JSON() []byte {
	conv := "1"
	if m.Group {
		conv = "2"
	}
	exp := m.WebhookExpires
	if exp.IsZero() {
		exp = time.Now().Add(90 * time.Minute)
	}
	b, _ := json.Marshal(map[string]any{
		"msgtype":                   "text",
		"text":                      map[string]string{"content": " " + m.Text},
		"msgId":                     m.MsgID,
		"createAt":                  time.Now().UnixMilli(),
		"conversationType":          conv,
		"conversationId":            m.ConversationID,
		"conversationTitle":         m.Title,
		"senderStaffId":             m.SenderStaffID,
		"senderId":                  "$:LWCP_v1:$" + m.SenderStaffID,
		"senderNick":                m.SenderNick,
		"senderCorpId":              "ding-corp",
		"chatbotUserId":             "$:LWCP_v1:$robot",
		"chatbotCorpId":             "ding-corp",
		"isInAtList":                true,
		"isAdmin":                   false,
		"atUsers":                   []map[string]string{{"dingtalkId": "$:LWCP_v1:$robot"}},
		"sessionWebhook":            m.SessionWebhook,
		"sessionWebhookExpiredTime": exp.UnixMilli(),
		"robotCode":                 m.RobotCode,
	})
	return b
}
