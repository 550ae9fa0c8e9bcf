package dingtalk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// Keys of bot.Event.Reply (and bot.Destination.Reply) set by this adapter.
const (
	ReplySessionWebhook   = "session_webhook"            // the message's sessionWebhook URL
	ReplyWebhookExpiresMs = "session_webhook_expires_ms" // its expiry, Unix milliseconds
	ReplyConversationType = "conversation_type"          // "1" single, "2" group
	ReplySenderID         = "sender_id"                  // the sender's staff id
)

// Conversation types in DingTalk message bodies.
const (
	convSingle = "1"
	convGroup  = "2"
)

// inbound is the body of a robot message, identical in Stream and HTTP mode.
type inbound struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	Content                   json.RawMessage `json:"content"` // richText and others
	MsgID                     string          `json:"msgId"`
	CreateAt                  int64           `json:"createAt"`
	ConversationType          string          `json:"conversationType"`
	ConversationID            string          `json:"conversationId"`
	ConversationTitle         string          `json:"conversationTitle"`
	SenderStaffID             string          `json:"senderStaffId"`
	SenderID                  string          `json:"senderId"`
	SenderNick                string          `json:"senderNick"`
	ChatbotUserID             string          `json:"chatbotUserId"`
	AtUsers                   []atUser        `json:"atUsers"`
	SessionWebhook            string          `json:"sessionWebhook"`
	SessionWebhookExpiredTime int64           `json:"sessionWebhookExpiredTime"`
	RobotCode                 string          `json:"robotCode"`
}

type atUser struct {
	DingtalkID string `json:"dingtalkId"`
	StaffID    string `json:"staffId"`
}

// richText is the content of a "richText" message (text mixed with pictures).
type richText struct {
	RichText []struct {
		Text string `json:"text"`
	} `json:"richText"`
}

var errMissingField = errors.New("missing field")

// parseMessage decodes a robot message body into an event. ok is false for a
// well-formed message banzu does not read (pictures, voice, files...): those
// are logged and ignored. Group conversations are remembered (see
// LearnedConversations).
func (p *Platform) parseMessage(body []byte) (ev bot.Event, ok bool, err error) {
	var in inbound
	if err := json.Unmarshal(body, &in); err != nil {
		return bot.Event{}, false, fmt.Errorf("decode message: %w", err)
	}
	ev, ok, err = toEvent(in, p.now())
	if err != nil {
		return bot.Event{}, false, err
	}
	if in.ConversationType == convGroup {
		p.convs.learn(in.ConversationID, in.ConversationTitle, ev.Time)
	}
	if !ok {
		p.log.Info("dingtalk message type not supported, ignored",
			"msg_type", in.MsgType, "msg_id", in.MsgID, "chat_id", in.ConversationID)
	}
	return ev, ok, nil
}

// toEvent maps a decoded body. Only "text" and "richText" (its text parts)
// become events. now stands in for a missing createAt.
func toEvent(in inbound, now time.Time) (bot.Event, bool, error) {
	if in.MsgID == "" {
		return bot.Event{}, false, fmt.Errorf("%w msgId", errMissingField)
	}
	if in.ConversationID == "" {
		return bot.Event{}, false, fmt.Errorf("%w conversationId", errMissingField)
	}
	var chatType bot.ChatType
	switch in.ConversationType {
	case convSingle:
		chatType = bot.ChatSingle
	case convGroup:
		chatType = bot.ChatGroup
	default:
		return bot.Event{}, false, fmt.Errorf("unknown conversationType %q", in.ConversationType)
	}

	var text string
	switch in.MsgType {
	case "text":
		text = in.Text.Content
	case "richText":
		var rt richText
		if len(in.Content) > 0 && json.Unmarshal(in.Content, &rt) == nil {
			parts := make([]string, 0, len(rt.RichText))
			for _, r := range rt.RichText {
				if s := strings.TrimSpace(r.Text); s != "" {
					parts = append(parts, s)
				}
			}
			text = strings.Join(parts, " ")
		}
	default:
		return bot.Event{}, false, nil
	}

	sender := in.SenderStaffID
	if sender == "" {
		sender = in.SenderID // external contacts have no staff id
	}
	t := now
	if in.CreateAt > 0 {
		t = time.UnixMilli(in.CreateAt)
	}
	ev := bot.Event{
		Platform:   "dingtalk",
		ChatID:     in.ConversationID,
		ChatType:   chatType,
		SenderID:   sender,
		SenderName: in.SenderNick,
		Text:       strings.TrimSpace(text),
		Mentions:   mentions(in),
		Mentioned:  true, // DingTalk delivers only @ messages from groups, and all of single chats
		MessageID:  in.MsgID,
		Time:       t,
		Reply: map[string]string{
			ReplyConversationType: in.ConversationType,
			ReplySenderID:         sender,
		},
	}
	if in.SessionWebhook != "" {
		ev.Reply[ReplySessionWebhook] = in.SessionWebhook
		ev.Reply[ReplyWebhookExpiresMs] = strconv.FormatInt(in.SessionWebhookExpiredTime, 10)
	}
	return ev, true, nil
}

// mentions lists the staff ids @-mentioned besides the robot itself, once each.
func mentions(in inbound) []string {
	var out []string
	seen := map[string]bool{}
	for _, u := range in.AtUsers {
		if u.StaffID == "" || (in.ChatbotUserID != "" && u.DingtalkID == in.ChatbotUserID) || seen[u.StaffID] {
			continue
		}
		seen[u.StaffID] = true
		out = append(out, u.StaffID)
	}
	return out
}
