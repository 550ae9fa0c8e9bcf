package wecom

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxCallbackBody bounds a callback body; WeCom's are a few kilobytes.
const maxCallbackBody = 1 << 20

// Handler serves the intelligent robot's callback; mount it at CallbackPath.
//
// GET is the URL verification: the decrypted echostr is answered as plain
// text. POST is a message or event: the body {"encrypt": ...} is checked
// against msg_signature, decrypted and decoded with DecodeEvent; the event is
// stored through Handle (the bot's durable inbox) and the request answered 200
// with an empty body
// (WeCom's "empty packet": no passive reply; answers go through response_url).
// Status codes: 400 missing parameters or undecodable body, 403 bad signature,
// 405 other methods, 413 body over 1 MiB, 503 callback not configured or the
// event could not be stored (WeCom sends it again).
func (p *Platform) Handler() http.Handler {
	return http.HandlerFunc(p.serveCallback)
}

func (p *Platform) serveCallback(w http.ResponseWriter, r *http.Request) {
	if p.crypt == nil {
		p.log.Error("wecom callback called but wecom.aibot.token / encoding_aes_key are not configured")
		http.Error(w, "callback not configured", http.StatusServiceUnavailable)
		return
	}
	switch r.Method {
	case http.MethodGet:
		p.verifyURL(w, r)
	case http.MethodPost:
		p.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// DefaultMaxClockSkew is how far a callback's timestamp may be from our
// clock when wecom.aibot.max_clock_skew_seconds is zero: an hour, as
// DingTalk allows. A replayed callback older than that is refused.
const DefaultMaxClockSkew = time.Hour

// fresh reports whether a callback's timestamp (Unix seconds) is within the
// allowed skew of now.
func (p *Platform) fresh(timestamp string, now time.Time) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	skew := time.Duration(p.cfg.AIBot.MaxClockSkewSeconds) * time.Second
	if skew <= 0 {
		skew = DefaultMaxClockSkew
	}
	d := now.Sub(time.Unix(sec, 0))
	return d <= skew && d >= -skew
}

// sigParams are the signature parameters of the query string.
type sigParams struct{ signature, timestamp, nonce string }

func querySig(r *http.Request) (sigParams, bool) {
	q := r.URL.Query()
	s := sigParams{q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")}
	return s, s.signature != "" && s.timestamp != "" && s.nonce != ""
}

// verifyURL answers WeCom's GET check; it must answer within a second.
func (p *Platform) verifyURL(w http.ResponseWriter, r *http.Request) {
	sig, ok := querySig(r)
	// A '+' of base64 arrives as a space when WeCom does not escape it.
	echo := strings.ReplaceAll(r.URL.Query().Get("echostr"), " ", "+")
	if !ok || echo == "" {
		http.Error(w, "missing parameters", http.StatusBadRequest)
		return
	}
	if !p.crypt.verify(sig.signature, sig.timestamp, sig.nonce, echo) {
		p.log.Warn("wecom url verification: bad signature", "remote_addr", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	plain, err := p.crypt.decrypt(echo)
	if err != nil {
		p.log.Warn("wecom url verification: cannot decrypt echostr", "error", err)
		http.Error(w, "bad echostr", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(plain)
	p.log.Info("wecom callback url verified")
}

// receive handles one encrypted message or event.
func (p *Platform) receive(w http.ResponseWriter, r *http.Request) {
	received := p.now()
	sig, ok := querySig(r)
	if !ok {
		http.Error(w, "missing parameters", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	var env struct {
		Encrypt string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		http.Error(w, "body is not {\"encrypt\": ...}", http.StatusBadRequest)
		return
	}
	if !p.crypt.verify(sig.signature, sig.timestamp, sig.nonce, env.Encrypt) {
		p.log.Warn("wecom callback: bad signature", "remote_addr", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	if !p.fresh(sig.timestamp, received) {
		p.log.Warn("wecom callback: timestamp outside the allowed clock skew", "timestamp", sig.timestamp, "remote_addr", r.RemoteAddr)
		http.Error(w, "stale or invalid timestamp", http.StatusForbidden)
		return
	}
	plain, err := p.crypt.decrypt(env.Encrypt)
	if err != nil {
		p.log.Warn("wecom callback: cannot decrypt", "error", err)
		http.Error(w, "cannot decrypt", http.StatusBadRequest)
		return
	}
	ev, ok, err := DecodeEvent(plain, received)
	if err != nil {
		p.log.Warn("wecom callback: cannot decode message", "error", err)
		http.Error(w, "cannot decode message", http.StatusBadRequest)
		return
	}
	if !ok {
		p.log.Debug("wecom callback: nothing to handle", "msg_id", ev.MessageID, "chat_id", ev.ChatID)
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := p.accept(r.Context(), ev); err != nil {
		p.log.Warn("wecom callback: event not stored, asking WeCom to redeliver",
			"msg_id", ev.MessageID, "chat_id", ev.ChatID, "error", err)
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
