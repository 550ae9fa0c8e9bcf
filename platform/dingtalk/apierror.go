package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// maxResponseBytes bounds what is read of any DingTalk response.
const maxResponseBytes = 1 << 20

// Error codes DingTalk returns in "errcode" (oapi, session webhook).
const (
	errcodeSessionExpired = 300001 // sessionWebhook expired
)

// throttleErrcode reports whether an errcode means "too fast, try later".
// Gathered from DingTalk's error-code pages and bots built on them; not
// exhaustive.
func throttleErrcode(code int) bool {
	switch code {
	case -1, // system busy
		90002, 90005, 90006, // per-second / per-minute API quotas
		90018, 90019, // corporation-wide quotas
		130101, 410100: // robot sends too fast
		return true
	}
	return false
}

// authErrcode reports whether an errcode means the access token is invalid
// or expired.
func authErrcode(code int) bool {
	return code == 40001 || code == 40014 || code == 42001
}

// apiError is a failed DingTalk call with what to do about it.
type apiError struct {
	Op      string // what was attempted, e.g. "groupMessages/send"
	Status  int    // HTTP status
	Code    string // the "code" (v1.0 APIs) or "errcode" (oapi, webhook)
	Message string
	Retry   bool          // transient: throttled, 5xx, network
	After   time.Duration // from Retry-After, if any
	Auth    bool          // the access token was refused
	Expired bool          // the session webhook expired (errcode 300001)
	Err     error         // underlying transport error, if any
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("dingtalk %s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("dingtalk %s: HTTP %d code=%s: %s", e.Op, e.Status, e.Code, e.Message)
}

func (e *apiError) Unwrap() error { return e.Err }

// botError converts an error from a call into the bot package's retry
// classification. Errors that already are bot errors pass through.
func botError(err error) error {
	if err == nil {
		return nil
	}
	if bot.Classified(err) {
		return err
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.Retry {
		return &bot.RetryError{After: ae.After, Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &bot.RetryError{Err: err}
	}
	return &bot.PermanentError{Err: err}
}

func isAuthError(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Auth
}

// doHTTP sends req and reads the (bounded) response. A transport failure is a
// retryable *apiError.
func (p *Platform) doHTTP(op string, req *http.Request) (*http.Response, []byte, error) {
	resp, err := p.hc.Do(req)
	if err != nil {
		// A *url.Error quotes the whole URL, whose query may hold an
		// access_token or a session webhook's credential: keep it out of logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("%s %s: %w", ue.Op, req.URL.Host+req.URL.Path, ue.Err)
		}
		return nil, nil, &apiError{Op: op, Retry: true, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, nil, &apiError{Op: op, Status: resp.StatusCode, Retry: true, Err: err}
	}
	return resp, body, nil
}

// checkV1 classifies a response of the api.dingtalk.com v1.0 APIs, which
// report errors as a non-2xx status with {"code","message"}.
func checkV1(op string, resp *http.Response, body []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	if e.Message == "" {
		e.Message = snippet(body)
	}
	ae := &apiError{Op: op, Status: resp.StatusCode, Code: e.Code, Message: e.Message}
	code := strings.ToLower(e.Code)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500,
		containsAny(code, "throttl", "qpslimit", "flowcontrol", "ratelimit", "toomany"):
		ae.Retry = true
		ae.After = retryAfter(resp.Header)
	case resp.StatusCode == http.StatusUnauthorized, code == "invalidauthentication",
		strings.Contains(code, "accesstoken") && !strings.Contains(code, "permission"):
		ae.Auth = true
	}
	return ae
}

// checkErrcode classifies a response of the oapi and session-webhook APIs,
// which answer HTTP 200 with {"errcode","errmsg"}.
func checkErrcode(op string, resp *http.Response, body []byte) error {
	ae := &apiError{Op: op, Status: resp.StatusCode}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		ae.Retry, ae.After, ae.Message = true, retryAfter(resp.Header), snippet(body)
		return ae
	}
	var e struct {
		Errcode *int   `json:"errcode"`
		Errmsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Errcode == nil {
		if resp.StatusCode >= 200 && resp.StatusCode < 300 && err == nil {
			return nil // no errcode at all: treat as success
		}
		ae.Message = "unexpected response: " + snippet(body)
		return ae
	}
	if *e.Errcode == 0 {
		return nil
	}
	ae.Code, ae.Message = strconv.Itoa(*e.Errcode), e.Errmsg
	switch {
	case throttleErrcode(*e.Errcode):
		ae.Retry = true
	case authErrcode(*e.Errcode):
		ae.Auth = true
	case *e.Errcode == errcodeSessionExpired:
		ae.Expired = true
	}
	return ae
}

func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// snippet shortens a response body for error messages.
func snippet(b []byte) string {
	const max = 300
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}
