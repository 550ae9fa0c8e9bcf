package dingtalk

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// call is one request the fake OpenAPI received.
type call struct {
	Path   string
	Query  map[string][]string
	Token  string         // x-acs-dingtalk-access-token
	Body   map[string]any // JSON body, if JSON
	Param  map[string]any // msgParam decoded, for robot sends
	Upload *upload        // multipart body, for media/upload
}

type upload struct {
	Type      string
	FieldName string
	FileName  string
	Data      []byte
}

// fakeAPI plays api.dingtalk.com, oapi.dingtalk.com and session webhooks.
// Handlers in override answer instead of the default when they return true.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	calls    []call
	tokens   int
	override map[string]func(w http.ResponseWriter, c call) bool
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, override: map[string]func(http.ResponseWriter, call) bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) on(path string, h func(w http.ResponseWriter, c call) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.override[path] = h
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		f.t.Errorf("%s %s: want POST", r.Method, r.URL.Path)
	}
	c := call{Path: r.URL.Path, Query: r.URL.Query(), Token: r.Header.Get("x-acs-dingtalk-access-token")}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		if err := json.NewDecoder(r.Body).Decode(&c.Body); err != nil {
			f.t.Errorf("%s: body is not JSON: %v", r.URL.Path, err)
		}
		if s, ok := c.Body["msgParam"].(string); ok {
			if err := json.Unmarshal([]byte(s), &c.Param); err != nil {
				f.t.Errorf("%s: msgParam is not a JSON string: %v", r.URL.Path, err)
			}
		} else if _, present := c.Body["msgParam"]; present {
			f.t.Errorf("%s: msgParam is %T, want a JSON string", r.URL.Path, c.Body["msgParam"])
		}
	case "multipart/form-data":
		c.Upload = readUpload(f.t, multipart.NewReader(r.Body, params["boundary"]))
	default:
		f.t.Errorf("%s: content type %q", r.URL.Path, mt)
	}

	f.mu.Lock()
	f.calls = append(f.calls, c)
	h := f.override[c.Path]
	if c.Path == pathAccessToken {
		f.tokens++
	}
	n := f.tokens
	f.mu.Unlock()
	if h != nil && h(w, c) {
		return
	}

	w.Header().Set("Content-Type", "application/json")
	switch c.Path {
	case pathAccessToken:
		if c.Body["appKey"] != "ding-client" || c.Body["appSecret"] != "client-secret-for-test" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"code":"invalidClientIdOrSecret","message":"bad app"}`)
			return
		}
		fmt.Fprintf(w, `{"accessToken":"tok-%d","expireIn":7200}`, n)
	case pathGroupSend, pathOtoSend:
		if !strings.HasPrefix(c.Token, "tok-") {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":"InvalidAuthentication","message":"no token"}`)
			return
		}
		fmt.Fprint(w, `{"processQueryKey":"pqk"}`)
	case pathMediaUpload:
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"@lAz-media","created_at":1772443200000}`)
	case "/robot/sendBySession":
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"notFound"}`)
	}
}

func readUpload(t *testing.T, mr *multipart.Reader) *upload {
	u := &upload{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return u
		}
		if err != nil {
			t.Errorf("multipart: %v", err)
			return u
		}
		data, _ := io.ReadAll(part)
		switch part.FormName() {
		case "type":
			u.Type = string(data)
		case "media":
			u.FieldName, u.FileName, u.Data = "media", part.FileName(), data
		default:
			t.Errorf("unexpected multipart field %q", part.FormName())
		}
	}
}

// callsTo returns the calls to path, in order.
func (f *fakeAPI) callsTo(path string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeAPI) tokenRequests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens
}

// respond writes a status and a body.
func respond(w http.ResponseWriter, status int, body string) bool {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
	return true
}
