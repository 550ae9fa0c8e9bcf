package wecom

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// response_url limits: one use, within an hour of the message. The adapter
// stops trying a minute early so a slow request does not race the expiry.
const (
	replyTTL   = time.Hour - time.Minute
	replyLimit = 20480 // bytes of markdown a response_url accepts
)

// replyTracker remembers the response_urls this process has used. It is
// per process: with replicas, a second use is refused by WeCom and the send
// falls back to the webhook all the same.
type replyTracker struct {
	mu        sync.Mutex
	used      map[string]time.Time
	lastPrune time.Time
}

func newReplyTracker() *replyTracker {
	return &replyTracker{used: map[string]time.Time{}}
}

// claim returns the response_url of a reply handle and marks it used, or
// false when there is none, it is older than replyTTL or already used. A
// handle without a readable received time is tried (WeCom rejects it if stale).
func (t *replyTracker) claim(reply map[string]string, now time.Time) (string, bool) {
	u := reply[ReplyURLKey]
	if u == "" {
		return "", false
	}
	if at, err := time.Parse(time.RFC3339Nano, reply[ReplyReceivedKey]); err == nil && now.Sub(at) > replyTTL {
		return "", false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.lastPrune) > time.Minute {
		for k, at := range t.used {
			if now.Sub(at) > time.Hour {
				delete(t.used, k)
			}
		}
		t.lastPrune = now
	}
	if _, ok := t.used[u]; ok {
		return "", false
	}
	t.used[u] = now
	return u, true
}

// release forgets a claim whose request never reached WeCom, so a retry may
// use the url again.
func (t *replyTracker) release(u string) {
	t.mu.Lock()
	delete(t.used, u)
	t.mu.Unlock()
}

// markdownBody is the JSON of a markdown message (response_url and webhook).
type markdownBody struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

func newMarkdown(content string) markdownBody {
	b := markdownBody{MsgType: "markdown"}
	b.Markdown.Content = content
	return b
}

// sendReply posts msg as markdown to a response_url. Content beyond what one
// answer holds is returned as rest for the caller to send another way.
func (p *Platform) sendReply(ctx context.Context, u string, msg bot.Message) (rest string, err error) {
	parts := splitLines(markdownOf(msg), replyLimit)
	if len(parts) == 0 {
		return "", &bot.PermanentError{Err: errEmpty}
	}
	var res apiResult
	if err := p.postJSON(ctx, u, "aibot/response", newMarkdown(parts[0]), &res); err != nil {
		return "", err
	}
	return strings.Join(parts[1:], "\n"), nil
}
