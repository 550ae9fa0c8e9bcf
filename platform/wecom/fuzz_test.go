package wecom

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/banzu-bot/banzu/bot"
)

// FuzzCallbackBody feeds arbitrary bytes to the callback twice: as the raw
// POST body, signed over its encrypt field if any (envelope parsing, base64,
// decryption of garbage) and as a
// plaintext correctly encrypted and signed (JSON decoding and event mapping).
// Neither may panic, and the answer is always 200 or a 4xx.
func FuzzCallbackBody(f *testing.F) {
	f.Add([]byte(groupText))
	f.Add([]byte(`{"encrypt":"` + pinnedEncrypt + `"}`))
	f.Add([]byte(`{"msgid":"e","msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"task_id":"t","selected_items":{"selected_item":[{"option_ids":{"option_id":["a"]}}]}}}}`))
	f.Add([]byte(`{"msgid":"m","msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":null}]}}`))
	f.Add([]byte(`{"encrypt":"AAAA"}`))
	f.Add([]byte{0xff, 0xfe, '{'})
	p := newTestPlatform(f, "http://unused", func(context.Context, bot.Event) error { return nil })
	f.Fuzz(func(t *testing.T, body []byte) {
		var env struct {
			Encrypt string `json:"encrypt"`
		}
		_ = json.Unmarshal(body, &env)
		for _, r := range []*http.Request{
			signedEnvelope(p, env.Encrypt, string(body)),
			signedPost(t, p, string(body)),
		} {
			w := serve(p, r)
			if w.Code != http.StatusOK && (w.Code < 400 || w.Code >= 500) {
				t.Fatalf("status %d", w.Code)
			}
		}
	})
}
