package bottest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
)

// Tap answers card cardID in chat as user with the option ids, through the
// console's message API as the page posts it (a tap leaves no message in
// the chat; the bot answers it by updating the card for the tapper).
func (r *Rig) Tap(chat, user, cardID string, options ...string) {
	r.T.Helper()
	if !r.started {
		r.T.Fatal("bottest: Tap before Start")
	}
	body, _ := json.Marshal(map[string]any{"chat_id": chat, "user_id": user, "card_id": cardID, "options": options})
	mux := http.NewServeMux()
	r.Server.Register(mux)
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/console/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	mux.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		r.T.Fatalf("bottest: tap %s %v in %s as %s: %d %s", cardID, options, chat, user, w.Code, w.Body.String())
	}
}
