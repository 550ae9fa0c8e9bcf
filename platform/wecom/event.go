package wecom

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
)

// Keys of bot.Event.Reply (and so of bot.Destination.Reply) set by this adapter.
const (
	// ReplyURLKey holds the message's response_url (usable once, for an hour).
	ReplyURLKey = "response_url"
	// ReplyReceivedKey holds when banzu received the message, RFC 3339; the
	// response_url expires an hour after that.
	ReplyReceivedKey = "received_at"
)

// robotMessage is the plaintext JSON of an intelligent-robot message or event,
// the same in callback mode and in the long connection's aibot_msg_callback and
// aibot_event_callback bodies.
type robotMessage struct {
	MsgID       string `json:"msgid"`
	AIBotID     string `json:"aibotid"`
	ChatID      string `json:"chatid"`
	ChatType    string `json:"chattype"`
	CreateTime  int64  `json:"create_time"`
	ResponseURL string `json:"response_url"`
	MsgType     string `json:"msgtype"`
	From        struct {
		UserID string `json:"userid"`
	} `json:"from"`
	Text  *textContent `json:"text"`
	Voice *textContent `json:"voice"`
	Mixed *struct {
		MsgItem []struct {
			MsgType string       `json:"msgtype"`
			Text    *textContent `json:"text"`
		} `json:"msg_item"`
	} `json:"mixed"`
	Event *struct {
		EventType         string             `json:"eventtype"`
		TemplateCardEvent *templateCardEvent `json:"template_card_event"`
		// The flat shape WeCom's Node SDK's types describe: the click's
		// key and task_id straight under event.
		EventKey string `json:"event_key"`
		TaskID   string `json:"task_id"`
	} `json:"event"`
	// quote (the message the user quoted) is ignored: the new text is the command.
}

type textContent struct {
	Content string `json:"content"`
}

type templateCardEvent struct {
	CardType      string `json:"card_type"`
	EventKey      string `json:"event_key"`
	TaskID        string `json:"task_id"`
	SelectedItems struct {
		SelectedItem []struct {
			QuestionKey string `json:"question_key"`
			OptionIDs   struct {
				OptionID []string `json:"option_id"`
			} `json:"option_ids"`
		} `json:"selected_item"`
	} `json:"selected_items"`
}

// ErrMissingMsgID is returned by DecodeEvent for a body without msgid.
var ErrMissingMsgID = errors.New("wecom: message has no msgid")

// DecodeEvent maps the decrypted JSON body of an intelligent-robot message or
// event to a bot.Event. The long connection delivers the same body, so both
// transports share it. received is when banzu got the body; it becomes
// Event.Time when the body has no create_time and ReplyReceivedKey always.
//
// ok is false for a well-formed body banzu does not act on: images and files,
// stream refreshes, enter_chat and feedback events, empty text. err is set for
// malformed JSON or a missing msgid.
//
// Text messages (and voice, which arrives transcribed) give Text; mixed
// messages give their text items joined by newlines; a quote only adds the
// quoted message, which is ignored: the new text is what the user asks. The
// leading "@RobotName " mention is stripped. template_card_event clicks (nested
// under event.template_card_event, or flat as event.event_key) give
// Action{CardID, OptionID}: the card from the button key (ButtonKey), else
// CardIDFromTask(task_id); the option from the key for button_interaction
// cards (a bare key is the option id itself), the chosen option ids for vote
// and multiple-choice cards (then SubmitOptionID when the card was made with
// a submit option, see templateCard). De-duplication is the core's job (store.FirstSeen on MessageID):
// a redelivered msgid is decoded again, with the same MessageID.
func DecodeEvent(body []byte, received time.Time) (ev bot.Event, ok bool, err error) {
	var m robotMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return bot.Event{}, false, fmt.Errorf("wecom: decode message: %w", err)
	}
	if m.MsgID == "" {
		return bot.Event{}, false, ErrMissingMsgID
	}
	ev = bot.Event{
		Platform:  "wecom",
		ChatID:    m.ChatID,
		ChatType:  bot.ChatSingle,
		SenderID:  m.From.UserID,
		MessageID: m.MsgID,
		Time:      received,
		// The robot only receives what is addressed to it: messages that @
		// it in a group, single chats, clicks on its own cards.
		Mentioned: true,
	}
	if m.ChatType == "group" || (m.ChatType == "" && m.ChatID != "") {
		ev.ChatType = bot.ChatGroup
	}
	if ev.ChatType == bot.ChatSingle && ev.ChatID == "" {
		// WeCom sends chatid only for groups; a single chat is named by its user.
		ev.ChatID = m.From.UserID
	}
	if m.CreateTime > 0 {
		ev.Time = time.Unix(m.CreateTime, 0)
	}
	if m.ResponseURL != "" {
		ev.Reply = map[string]string{
			ReplyURLKey:      m.ResponseURL,
			ReplyReceivedKey: received.UTC().Format(time.RFC3339Nano),
		}
	}

	if m.MsgType == "" && m.Event != nil {
		m.MsgType = "event" // the long connection's event bodies may omit it
	}
	switch m.MsgType {
	case "text":
		if m.Text != nil {
			ev.Text = m.Text.Content
		}
	case "voice":
		if m.Voice != nil {
			ev.Text = m.Voice.Content
		}
	case "mixed":
		if m.Mixed != nil {
			var parts []string
			for _, it := range m.Mixed.MsgItem {
				if it.MsgType == "text" && it.Text != nil && strings.TrimSpace(it.Text.Content) != "" {
					parts = append(parts, strings.TrimSpace(it.Text.Content))
				}
			}
			ev.Text = strings.Join(parts, "\n")
		}
	case "event":
		if m.Event == nil || m.Event.EventType != "template_card_event" {
			return ev, false, nil
		}
		tce := m.Event.TemplateCardEvent
		if tce == nil {
			if m.Event.EventKey == "" && m.Event.TaskID == "" {
				return ev, false, nil
			}
			tce = &templateCardEvent{CardType: "button_interaction", EventKey: m.Event.EventKey, TaskID: m.Event.TaskID}
		}
		if tce.EventKey == "" {
			tce.EventKey = m.Event.EventKey
		}
		if tce.TaskID == "" {
			tce.TaskID = m.Event.TaskID
		}
		ev.Action = cardAction(tce)
		return ev, ev.Action.CardID != "", nil
	default:
		return ev, false, nil
	}
	ev.Text = StripMention(ev.Text)
	return ev, ev.Text != "", nil
}

// cardAction turns a template_card_event into the clicked option(s). The
// card is named by the button key when it carries one (ButtonKey,
// submitKey), else by task_id: WeCom may leave task_id out of a click.
func cardAction(e *templateCardEvent) *bot.CardAction {
	keyCard, keyOption, submit, keyed := parseKey(e.EventKey)
	a := &bot.CardAction{CardID: keyCard}
	if !keyed {
		a.CardID = CardIDFromTask(e.TaskID)
	}
	if e.CardType != "button_interaction" {
		for _, it := range e.SelectedItems.SelectedItem {
			a.OptionID = append(a.OptionID, it.OptionIDs.OptionID...)
		}
		if len(a.OptionID) > 0 && submit {
			a.OptionID = append(a.OptionID, SubmitOptionID)
		}
	}
	switch {
	case len(a.OptionID) > 0:
	case keyed && keyOption != "":
		a.OptionID = []string{keyOption}
	case !keyed && e.EventKey != "" && e.EventKey != submitKeyOption && e.EventKey != submitKeyPlain:
		a.OptionID = []string{e.EventKey}
	}
	return a
}

// StripMention removes one leading "@Name" mention (up to the first space,
// including the U+2005 WeCom puts after mentions) and trims the rest. Text not
// starting with "@" is only trimmed. A robot name containing a space cannot be
// told apart from the text and is only partly removed.
func StripMention(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "@") {
		return s
	}
	for i, r := range s {
		if unicode.IsSpace(r) {
			return strings.TrimSpace(s[i+utf8.RuneLen(r):])
		}
	}
	return "" // only the mention
}
