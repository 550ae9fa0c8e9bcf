package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// qyCall is one request the fake qyapi received.
type qyCall struct {
	Method, Path string
	Query        url.Values
	Body         map[string]any // JSON body
	Field        string         // multipart: form field of the file
	FileName     string         // multipart: the file name users will see
	FileData     []byte
}

// fakeQyapi plays qyapi.weixin.qq.com: the group robot webhook, the
// self-built app (gettoken, media/upload, message/send) and the intelligent
// robot's response_url. It checks each request's shape as WeCom would
// (method, parameters, content type, JSON fields), answers errors the way
// WeCom does, and records what it accepted.
type fakeQyapi struct {
	t    *testing.T
	srv  *httptest.Server
	keys map[string]bool // valid webhook keys

	mu        sync.Mutex
	calls     []qyCall
	responses map[string]bool // response_codes already used
	media     int
}

func newFakeQyapi(t *testing.T, keys ...string) *fakeQyapi {
	f := &fakeQyapi{t: t, keys: map[string]bool{}, responses: map[string]bool{}}
	for _, k := range keys {
		f.keys[k] = true
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeQyapi) errorf(w http.ResponseWriter, code int, format string, args ...any) {
	f.t.Errorf("fake qyapi: "+format, args...)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"errcode":%d,"errmsg":%q}`, code, fmt.Sprintf(format, args...))
}

func (f *fakeQyapi) serve(w http.ResponseWriter, r *http.Request) {
	c := qyCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	want := http.MethodPost
	if c.Path == "/cgi-bin/gettoken" {
		want = http.MethodGet
	}
	if r.Method != want {
		f.errorf(w, 40001, "%s %s: want %s", r.Method, c.Path, want)
		return
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case r.Method == http.MethodGet:
	case mt == "application/json":
		if err := json.NewDecoder(r.Body).Decode(&c.Body); err != nil {
			f.errorf(w, 47001, "%s: body is not JSON: %v", c.Path, err)
			return
		}
	case mt == "multipart/form-data":
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				f.errorf(w, 44001, "%s: bad multipart: %v", c.Path, err)
				return
			}
			data, _ := io.ReadAll(part)
			if part.FileName() != "" {
				c.Field, c.FileName, c.FileData = part.FormName(), part.FileName(), data
			}
		}
	default:
		f.errorf(w, 47001, "%s: content type %q", c.Path, mt)
		return
	}

	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	defer f.mu.Unlock()
	q := c.Query
	switch c.Path {
	case "/cgi-bin/gettoken":
		if q.Get("corpid") != qyCorpID || q.Get("corpsecret") != qyCorpSecret {
			f.errorf(w, 40001, "gettoken: corpid %q corpsecret %q", q.Get("corpid"), q.Get("corpsecret"))
			return
		}
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":%q,"expires_in":7200}`, qyAppToken)
	case "/cgi-bin/webhook/send":
		if !f.keys[q.Get("key")] {
			f.errorf(w, 93000, "webhook/send: invalid key %q", q.Get("key"))
			return
		}
		switch mtype, _ := c.Body["msgtype"].(string); mtype {
		case "text", "markdown", "file":
			if _, ok := c.Body[mtype].(map[string]any); !ok {
				f.errorf(w, 40008, "webhook/send: no %q object in %v", mtype, c.Body)
				return
			}
		default:
			f.errorf(w, 40008, "webhook/send: msgtype %q", mtype)
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	case "/cgi-bin/webhook/upload_media":
		if !f.keys[q.Get("key")] || q.Get("type") != "file" {
			f.errorf(w, 93000, "upload_media: key %q type %q", q.Get("key"), q.Get("type"))
			return
		}
		if c.Field != "media" || c.FileName == "" || len(c.FileData) < 5 {
			f.errorf(w, 44001, "upload_media: field %q file %q of %d bytes", c.Field, c.FileName, len(c.FileData))
			return
		}
		f.media++
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"hook-media-%d","created_at":"1700000000"}`, f.media)
	case "/cgi-bin/media/upload":
		if q.Get("access_token") != qyAppToken || q.Get("type") != "file" {
			f.errorf(w, 40014, "media/upload: access_token %q type %q", q.Get("access_token"), q.Get("type"))
			return
		}
		if c.Field != "media" || c.FileName == "" || len(c.FileData) == 0 {
			f.errorf(w, 44001, "media/upload: field %q file %q", c.Field, c.FileName)
			return
		}
		f.media++
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"app-media-%d","created_at":"1700000000"}`, f.media)
	case "/cgi-bin/message/send":
		if q.Get("access_token") != qyAppToken {
			f.errorf(w, 40014, "message/send: access_token %q", q.Get("access_token"))
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok","invaliduser":""}`)
	case "/cgi-bin/aibot/response":
		code := q.Get("response_code")
		if f.responses[code] {
			// WeCom: a response_url is usable once.
			f.calls = append(f.calls, c)
			fmt.Fprint(w, `{"errcode":600039,"errmsg":"response_code used"}`)
			return
		}
		f.responses[code] = true
		if c.Body["msgtype"] != "markdown" || qyStr(c.Body, "markdown", "content") == "" {
			f.errorf(w, 40008, "aibot/response: body %v", c.Body)
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	default:
		f.errorf(w, 404, "unknown path %s", c.Path)
		return
	}
	f.calls = append(f.calls, c)
}

// callsTo returns the calls to path, in order.
func (f *fakeQyapi) callsTo(path string) []qyCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []qyCall
	for _, c := range f.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// webhookSends returns the webhook/send calls with key, in order.
func (f *fakeQyapi) webhookSends(key string) []qyCall {
	var out []qyCall
	for _, c := range f.callsTo("/cgi-bin/webhook/send") {
		if c.Query.Get("key") == key {
			out = append(out, c)
		}
	}
	return out
}

// responsesTo returns the calls to the response_url with response_code code.
func (f *fakeQyapi) responsesTo(code string) []qyCall {
	var out []qyCall
	for _, c := range f.callsTo("/cgi-bin/aibot/response") {
		if c.Query.Get("response_code") == code {
			out = append(out, c)
		}
	}
	return out
}

// qyStr digs a string out of a decoded JSON body: qyStr(b, "markdown", "content").
func qyStr(m map[string]any, path ...string) string {
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}
