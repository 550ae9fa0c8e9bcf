package wecom

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// PaceKey names the rate-limited channel a message to dest goes through:
//
//   - a user: "wecom:app:AGENT:USER", 30 a minute (WeCom drops app messages
//     beyond 30 a minute to one member);
//   - long-connection mode, a chat: "wecom:aibot:CHAT", 30 a minute
//     (replies and pushes in one queue, so a chat keeps its order);
//   - a reply with a response_url: "wecom:reply:CHAT", 60 a minute; each
//     response_url is its own one-shot channel, the limit only guards the
//     webhook fallback (which answers 45009, retried, when overrun);
//   - a group: "wecom:webhook:TAG", 20 a minute, the group robot's limit;
//     TAG is a digest of the webhook key, which is a credential and must
//     not reach logs or the store's outbox index;
//   - nothing known: "wecom:none", 20 a minute (Send fails permanently).
func (p *Platform) PaceKey(dest bot.Destination) (key string, limit int, per time.Duration) {
	switch {
	case dest.UserID != "":
		return "wecom:app:" + strconv.Itoa(p.cfg.AgentID) + ":" + p.wecomUserID(dest.UserID), 30, time.Minute
	case p.mode == ModeLongConn && p.chatFor(dest) != "":
		return "wecom:aibot:" + p.chatFor(dest), chatPerMinute, time.Minute
	case dest.Reply[ReplyURLKey] != "":
		return "wecom:reply:" + dest.ChatID, 60, time.Minute
	}
	if k := p.webhookKey(dest); k != "" {
		return "wecom:webhook:" + keyTag(k), 20, time.Minute
	}
	return "wecom:none", 20, time.Minute
}

// keyTag names a webhook key without revealing it: the first 12 hex digits
// of its SHA-256.
func keyTag(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}
