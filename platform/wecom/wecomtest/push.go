package wecomtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coder/websocket"
)

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
