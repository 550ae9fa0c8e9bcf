package dingtalktest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
)

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
