package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// APIError is a WeCom answer with errcode != 0.
type APIError struct {
	API     string // e.g. "webhook/send"
	ErrCode int64
	ErrMsg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wecom %s: errcode %d: %s", e.API, e.ErrCode, e.ErrMsg)
}

// WeCom error codes the adapter treats specially.
const (
	codeBusy           = -1    // 系统繁忙
	codeInvalidToken   = 40014 // 不合法的 access_token
	codeExpiredToken   = 42001 // access_token 已过期
	codeFreqOutOfLimit = 45009 // 接口调用超过限制
	codeAPIConcurrency = 45033 // 接口并发调用超过限制
)

// tokenInvalid reports whether errcode asks for a new access token.
func tokenInvalid(code int64) bool { return code == codeInvalidToken || code == codeExpiredToken }

// classifyCode wraps an errcode != 0 into the outbox's error kinds: rate limits
// and "busy" ask to retry, everything else (bad webhook key 93000, bad user,
// content rejected, ...) is permanent. Token errors are retried by the caller
// first and are transient if they survive that.
func classifyCode(e *APIError) error {
	switch e.ErrCode {
	case codeFreqOutOfLimit:
		// The group webhook allows 20 messages a minute: wait for the window.
		return &bot.RetryError{After: time.Minute, Err: e}
	case codeAPIConcurrency, codeBusy:
		return &bot.RetryError{After: 5 * time.Second, Err: e}
	case codeInvalidToken, codeExpiredToken:
		return &bot.RetryError{Err: e}
	}
	return &bot.PermanentError{Err: e}
}

// apiResult is the common part of every WeCom answer; answer types embed it.
type apiResult struct {
	ErrCode int64  `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (r *apiResult) result() *apiResult { return r }

// answer is any WeCom answer type (one embedding apiResult).
type answer interface{ result() *apiResult }

// do sends req and decodes the JSON answer into out. Transport failures and
// HTTP 5xx/429 become RetryError, other HTTP errors PermanentError, errcode
// != 0 an *APIError for the caller to classify.
func (p *Platform) do(req *http.Request, api string, out answer) error {
	resp, err := p.hc.Do(req)
	if err != nil {
		return &bot.RetryError{Err: fmt.Errorf("wecom %s: %w", api, redactURLError(err))}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &bot.RetryError{Err: fmt.Errorf("wecom %s: read answer: %w", api, err)}
	}
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return &bot.RetryError{Err: fmt.Errorf("wecom %s: http %d", api, resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return &bot.PermanentError{Err: fmt.Errorf("wecom %s: http %d", api, resp.StatusCode)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &bot.RetryError{Err: fmt.Errorf("wecom %s: answer is not JSON: %w", api, err)}
	}
	if r := out.result(); r.ErrCode != 0 {
		return &APIError{API: api, ErrCode: r.ErrCode, ErrMsg: r.ErrMsg}
	}
	return nil
}

// postJSON POSTs payload as JSON to u and decodes the answer like do.
func (p *Platform) postJSON(ctx context.Context, u, api string, payload any, out answer) error {
	req, err := jsonRequest(ctx, u, payload)
	if err != nil {
		return err
	}
	return p.do(req, api, out)
}

// jsonRequest builds a POST of payload as JSON.
func jsonRequest(ctx context.Context, u string, payload any) (*http.Request, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // keep <@userid> and <font> readable
	if err := enc.Encode(payload); err != nil {
		return nil, &bot.PermanentError{Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &body)
	if err != nil {
		return nil, &bot.PermanentError{Err: err}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	return req, nil
}

// redactURLError drops the URL (which carries a webhook key or access token)
// from a transport error.
func redactURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// asSendError classifies an error from do: *APIError by classifyCode, the
// rest as is.
func asSendError(err error) error {
	if ae, ok := err.(*APIError); ok {
		return classifyCode(ae)
	}
	return err
}
