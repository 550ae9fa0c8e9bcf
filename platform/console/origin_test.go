package console

import (
	"net/http/httptest"
	"testing"
)

func TestOriginsHostOK(t *testing.T) {
	cases := []struct {
		listen, bound string
		allowed       []string
		host          string
		ok            bool
	}{
		{"127.0.0.1:8080", "", nil, "127.0.0.1:8080", true},
		{"127.0.0.1:8080", "", nil, "localhost:8080", true},
		{"127.0.0.1:8080", "", nil, "[::1]:8080", true},
		{"127.0.0.1:8080", "", nil, "127.0.0.1:9999", true}, // port unknown until SetListen
		{"127.0.0.1:8080", "127.0.0.1:8080", nil, "127.0.0.1:9999", false},
		{"127.0.0.1:8080", "127.0.0.1:8080", nil, "localhost.:8080", true},
		{"127.0.0.1:8080", "", nil, "evil.example:8080", false},
		{"127.0.0.1:8080", "", nil, "127.0.0.1.nip.io:8080", false},
		{"127.0.0.1:8080", "", nil, "", false},
		{"localhost:8080", "127.0.0.1:8080", nil, "localhost:8080", true},
		{":8080", "[::]:8080", nil, "10.1.2.3:8080", true},
		{":8080", "[::]:8080", nil, "banzu.corp:8080", false},
		{":8080", "[::]:8080", []string{"banzu.corp"}, "banzu.corp:8080", true},
		{":8080", "[::]:8080", []string{"Banzu.Corp"}, "banzu.corp", true}, // behind a proxy on :80
		{":8080", "[::]:8080", []string{"banzu.corp:443"}, "banzu.corp", false},
		{"0.0.0.0:8080", "0.0.0.0:8080", nil, "localhost:8080", true},
		{"10.1.2.3:8080", "10.1.2.3:8080", nil, "10.1.2.3:8080", true},
		{"10.1.2.3:8080", "10.1.2.3:8080", nil, "10.9.9.9:8080", false},
		{"10.1.2.3:8080", "10.1.2.3:8080", nil, "localhost:8080", false},
	}
	for _, c := range cases {
		o := NewOrigins(c.listen, c.allowed)
		if c.bound != "" {
			o.SetListen(c.bound)
		}
		if got := o.HostOK(c.host); got != c.ok {
			t.Errorf("listen %s (bound %q, allowed %v): HostOK(%q) = %v, want %v", c.listen, c.bound, c.allowed, c.host, got, c.ok)
		}
	}
}

func TestOriginsCheck(t *testing.T) {
	o := NewOrigins("127.0.0.1:8080", []string{"banzu.corp"})
	o.SetListen("127.0.0.1:8080")
	cases := []struct {
		name, method, host string
		headers            map[string]string
		page, ok           bool
	}{
		{"page GET", "GET", "127.0.0.1:8080", nil, true, true},
		{"cross-site link to the page", "GET", "127.0.0.1:8080", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, true, true},
		{"cross-site fetch of the page", "GET", "127.0.0.1:8080", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, true, false},
		{"same-origin json post", "POST", "127.0.0.1:8080", map[string]string{"Content-Type": "application/json", "Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}, false, true},
		{"json post with charset", "POST", "127.0.0.1:8080", map[string]string{"Content-Type": "application/json; charset=utf-8"}, false, true},
		{"https proxy origin", "POST", "banzu.corp", map[string]string{"Content-Type": "application/json", "Origin": "https://banzu.corp", "X-Forwarded-Proto": "https"}, false, true},
		{"http origin on https", "POST", "banzu.corp", map[string]string{"Content-Type": "application/json", "Origin": "http://banzu.corp", "X-Forwarded-Proto": "https"}, false, false},
		{"origin null", "POST", "127.0.0.1:8080", map[string]string{"Content-Type": "application/json", "Origin": "null"}, false, false},
		{"text/plain", "POST", "127.0.0.1:8080", map[string]string{"Content-Type": "text/plain"}, false, false},
		{"no content type", "POST", "127.0.0.1:8080", nil, false, false},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, "http://"+c.host+"/console/api/messages", nil)
		for k, v := range c.headers {
			r.Header.Set(k, v)
		}
		if ref := o.CheckJSON(r, c.page); (ref == nil) != c.ok {
			t.Errorf("%s: refusal %+v, want ok=%v", c.name, ref, c.ok)
		}
	}
}
