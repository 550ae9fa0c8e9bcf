package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// webhookMargin is how long before its stated expiry a session webhook is no
// longer used.
const webhookMargin = time.Minute

// liveWebhook returns the reply handle's session webhook when it is present,
// points at a DingTalk API host, and does not expire within webhookMargin.
func (p *Platform) liveWebhook(reply map[string]string) (string, bool) {
	wh := reply[ReplySessionWebhook]
	if wh == "" {
		return "", false
	}
	if !p.trustedHost(wh) {
		p.log.Warn("dingtalk session webhook on an unexpected host, not used", "url_host", hostOf(wh))
		return "", false
	}
	ms, err := strconv.ParseInt(reply[ReplyWebhookExpiresMs], 10, 64)
	if err != nil || ms <= 0 {
		return "", false
	}
	if !p.now().Add(webhookMargin).Before(time.UnixMilli(ms)) {
		return "", false
	}
	return wh, true
}

// trustedHost reports whether u is on the configured oapi or api host, so a
// tampered reply handle cannot make banzu post elsewhere.
func (p *Platform) trustedHost(u string) bool {
	h := hostOf(u)
	return h != "" && (h == hostOf(p.cfg.OAPIBase) || h == hostOf(p.cfg.APIBase))
}

func hostOf(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return pu.Host
}

// webhookBodies turns rendered content into session-webhook bodies, one per
// part; the at object rides on the last part, where the "@id" text is.
func webhookBodies(c content) []map[string]any {
	out := make([]map[string]any, len(c.parts))
	for i, part := range c.parts {
		var b map[string]any
		if c.markdown {
			b = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": c.partTitle(i), "text": part}}
		} else {
			b = map[string]any{"msgtype": "text", "text": map[string]string{"content": part}}
		}
		if i == len(c.parts)-1 && len(c.mentions) > 0 {
			b["at"] = map[string]any{"atUserIds": c.mentions}
		}
		out[i] = b
	}
	return out
}

// postWebhook sends one body to a session webhook (no token needed).
func (p *Platform) postWebhook(ctx context.Context, webhook string, body map[string]any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhook, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("session webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, respBody, err := p.doHTTP("sessionWebhook", req)
	if err != nil {
		return err
	}
	return checkErrcode("sessionWebhook", resp, respBody)
}
