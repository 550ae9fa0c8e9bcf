package wecom

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// EncryptCallback is what WeCom sends: Handler accepts it, and a body
// encrypted for another receive id or signed with another token is refused.
func TestEncryptCallbackRoundTrip(t *testing.T) {
	s := newSink()
	p := newTestPlatform(t, "http://unused", s.handle)
	ts := strconv.FormatInt(testNow.Unix(), 10)
	body, q, err := EncryptCallback(pinnedToken, vecAESKey, "", []byte(groupText), ts, "n-1")
	if err != nil {
		t.Fatal(err)
	}
	w := serve(p, httptest.NewRequest(http.MethodPost, "/wecom/aibot?"+q.Encode(), strings.NewReader(string(body))))
	if w.Code != http.StatusOK {
		t.Fatalf("POST: %d %s", w.Code, w.Body.String())
	}
	if ev := s.wait(t, 1)[0]; ev.MessageID != "CAIQ16HMjQYY" || ev.Text != "今日排班" {
		t.Fatalf("event %+v", ev)
	}

	// URL verification: the same query with echostr = the encrypt value.
	echo, eq, _ := EncryptCallback(pinnedToken, vecAESKey, "", []byte("1616140317555161061"), ts, "n-2")
	var env struct{ Encrypt string }
	if err := json.Unmarshal(echo, &env); err != nil {
		t.Fatal(err)
	}
	eq.Set("echostr", env.Encrypt)
	if w := serve(p, httptest.NewRequest(http.MethodGet, "/wecom/aibot?"+eq.Encode(), nil)); w.Code != http.StatusOK || w.Body.String() != "1616140317555161061" {
		t.Fatalf("GET: %d %q", w.Code, w.Body.String())
	}

	otherID, q2, _ := EncryptCallback(pinnedToken, vecAESKey, "wx5823bf96d3bd56c7", []byte(groupText), ts, "n-3")
	if w := serve(p, httptest.NewRequest(http.MethodPost, "/wecom/aibot?"+q2.Encode(), strings.NewReader(string(otherID)))); w.Code != http.StatusBadRequest {
		t.Errorf("another receive id: %d", w.Code)
	}
	otherToken, q3, _ := EncryptCallback("another-token", vecAESKey, "", []byte(groupText), ts, "n-4")
	if w := serve(p, httptest.NewRequest(http.MethodPost, "/wecom/aibot?"+q3.Encode(), strings.NewReader(string(otherToken)))); w.Code != http.StatusForbidden {
		t.Errorf("another token: %d", w.Code)
	}
	s.none(t)
	if _, _, err := EncryptCallback(pinnedToken, "short", "", []byte("x"), "1", "2"); err == nil {
		t.Error("a malformed encoding_aes_key was accepted")
	}
}
