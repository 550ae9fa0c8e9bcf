package dingtalk

import (
	"errors"
	"io"
	"net/http"
)

const (
	// maxBodyBytes bounds an HTTP callback body.
	maxBodyBytes = 1 << 20
)

// Handler returns the HTTP-mode callback endpoint. It checks the timestamp and
// sign headers (401 when missing, stale or forged), limits the body to 1 MiB
// (413), parses it (400 when malformed), answers 200 at once and hands the
// event to the sink on another goroutine. Message types other than text and
// rich text are acknowledged and ignored. A redelivered message is emitted
// again with the same MessageID: the core de-duplicates.
func (p *Platform) Handler() http.Handler {
	return http.HandlerFunc(p.serveCallback)
}

func (p *Platform) serveCallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ts, sign := r.Header.Get("timestamp"), r.Header.Get("sign")
	if err := verifySignature(ts, sign, p.cfg.ClientSecret, p.now()); err != nil || p.cfg.ClientSecret == "" {
		if err == nil {
			err = errors.New("client_secret not configured")
		}
		p.log.Warn("dingtalk callback rejected", "reason", err.Error(), "remote_addr", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			p.log.Warn("dingtalk callback body too large", "limit_bytes", maxBodyBytes)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}

	ev, ok, err := p.parseMessage(body)
	if err != nil {
		p.log.Warn("dingtalk callback body rejected", "error", err.Error())
		http.Error(w, "malformed body", http.StatusBadRequest)
		return
	}
	if ok {
		if err := p.accept(r.Context(), ev); err != nil {
			p.log.Warn("dingtalk callback: event not stored, asking for redelivery", "msg_id", ev.MessageID, "error", err)
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, "{}")
}
