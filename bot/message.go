package bot

// Message is one outgoing message. Exactly one of Text, Markdown, File or Card
// is normally set; platforms without cards render Card as markdown with its
// options listed, and platforms without markdown send Markdown as text.
type Message struct {
	Text     string   `json:"text,omitempty"`
	Markdown string   `json:"markdown,omitempty"`
	Title    string   `json:"title,omitempty"` // summary line where a platform wants one
	File     *File    `json:"file,omitempty"`
	Card     *Card    `json:"card,omitempty"`
	Mentions []string `json:"mentions,omitempty"` // platform user ids to @-mention
	// Update marks a Card message as the new state of the card a user clicked
	// (Destination.Reply names the click): WeCom updates it in place
	// (aibot_respond_update_msg within 5 s), the console replaces it for the
	// viewer. A platform that cannot update a card sends it as a new message
	// (to OnlyFor privately when set).
	Update bool `json:"update,omitempty"`
	// OnlyFor limits who sees the message to these platform user ids: a card
	// update shown to those users only, or, where a platform cannot do that, a
	// direct message to each of them instead of a post in the group.
	OnlyFor []string `json:"only_for,omitempty"`
}

// File is a document sent into a chat (an Excel workbook, say).
type File struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Data        []byte `json:"data"`
}

// Card is a message with options a user can tap (a quiz question, say).
type Card struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Text     string       `json:"text,omitempty"`
	Multiple bool         `json:"multiple,omitempty"` // several options may be chosen
	Options  []CardOption `json:"options"`
}

// CardOption is one tappable option of a card.
type CardOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Destination says where a message goes. For a reply to an incoming message,
// Reply carries that message's reply handle; the platform falls back to the
// chat's durable channel when the handle is missing or expired.
type Destination struct {
	Platform string            `json:"platform"`
	ChatID   string            `json:"chat_id,omitempty"` // a group or single chat
	UserID   string            `json:"user_id,omitempty"` // a direct message to one user
	TeamID   string            `json:"team_id,omitempty"` // the team the chat belongs to
	Reply    map[string]string `json:"reply,omitempty"`
}
