package bot

import "time"

// ChatType tells a group chat from a one-to-one chat.
type ChatType string

// Chat types.
const (
	ChatGroup  ChatType = "group"
	ChatSingle ChatType = "single"
)

// Event is one incoming message or card click from any platform, already
// decoded, verified and with the bot's own @-mention stripped from Text.
type Event struct {
	Platform   string    // "console", "wecom", "dingtalk"
	ChatID     string    // platform chat id (group or single)
	ChatType   ChatType  // group or single
	SenderID   string    // platform user id of the sender
	SenderName string    // display name as the platform gave it, may be empty
	Text       string    // message text, mention stripped, trimmed
	Mentions   []string  // platform user ids @-mentioned besides the bot
	Mentioned  bool      // addressed to the bot: it was @-mentioned, or a single chat
	MessageID  string    // platform message id, the de-duplication key
	Time       time.Time // when the platform says it was sent (or received)
	// Reply is the platform's handle for answering this very message
	// (WeCom response_url, DingTalk sessionWebhook, ...). It is opaque to the
	// core and travels back to the platform inside Destination.Reply.
	Reply map[string]string
	// Action is set when the event is a click on a card option.
	Action *CardAction
}

// CardAction is a click on one option of a card the bot posted.
type CardAction struct {
	CardID   string   // the Card.ID the option belonged to
	OptionID []string // chosen option ids (several for multiple choice)
}
