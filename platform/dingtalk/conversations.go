package dingtalk

import (
	"maps"
	"sync"
	"time"
)

// maxLearnedConversations bounds the in-memory map of group conversations.
const maxLearnedConversations = 1000

// Conversation is a group chat the robot has received a message from.
type Conversation struct {
	OpenConversationID string    // usable with groupMessages/send
	Title              string    // the group's name when last seen
	LastSeen           time.Time // time of the last message
}

// conversations remembers group chats learned from incoming messages, keyed
// by chat id (DingTalk's conversationId, which is also the
// openConversationId). It forgets the least recently seen beyond max.
type conversations struct {
	mu  sync.Mutex
	max int
	m   map[string]Conversation
}

func newConversations(max int) *conversations {
	return &conversations{max: max, m: map[string]Conversation{}}
}

func (c *conversations) learn(chatID, title string, seen time.Time) {
	c.put(chatID, Conversation{OpenConversationID: chatID, Title: title, LastSeen: seen})
}

func (c *conversations) put(chatID string, conv Conversation) {
	if chatID == "" || conv.OpenConversationID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[chatID] = conv
	if len(c.m) <= c.max {
		return
	}
	oldestID, oldest := "", time.Time{}
	for id, conv := range c.m {
		if oldestID == "" || conv.LastSeen.Before(oldest) {
			oldestID, oldest = id, conv.LastSeen
		}
	}
	delete(c.m, oldestID)
}

func (c *conversations) lookup(chatID string) (Conversation, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conv, ok := c.m[chatID]
	return conv, ok
}

func (c *conversations) snapshot() map[string]Conversation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.m)
}

// LearnedConversations returns a copy of the group chats learned from incoming
// messages, keyed by chat id. The core persists them so scheduled posts can
// reach a group after a restart; a team's configured open_conversation_id
// always takes precedence when sending.
func (p *Platform) LearnedConversations() map[string]Conversation {
	return p.convs.snapshot()
}

// Remember records a group conversation learned elsewhere (for example
// reloaded from the store at start-up).
func (p *Platform) Remember(chatID string, conv Conversation) {
	if conv.OpenConversationID == "" {
		conv.OpenConversationID = chatID
	}
	p.convs.put(chatID, conv)
}
