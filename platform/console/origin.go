package console

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Origins decides which requests a page served by banzu could have made,
// against DNS rebinding (a foreign Host that resolves to banzu) and
// cross-site requests (a web page the manager visits posting to the console):
//
//   - Host must be the address banzu listens on, a loopback name when it
//     listens on loopback, an IP address when it listens on every interface,
//     or one of console.allowed_hosts;
//   - Sec-Fetch-Site: cross-site is refused, except a top-level navigation to
//     the page itself (a link to the console from a wiki);
//   - a state-changing request must be application/json, and its Origin, when
//     present, must be the request's own origin.
//
// The zero value is not usable; see NewOrigins.
type Origins struct {
	mu      sync.RWMutex
	host    string // listen host, lower case, no brackets
	port    string // "" until known (SetListen) or when listen says 0
	allowed map[string]bool
}

// NewOrigins returns the policy for a server listening on listen (host:port)
// that also answers to allowed (host names, or host:port).
func NewOrigins(listen string, allowed []string) *Origins {
	o := &Origins{allowed: map[string]bool{}}
	for _, h := range allowed {
		if h = normHost(strings.TrimSpace(h)); h != "" {
			o.allowed[h] = true
		}
	}
	o.host, _ = splitHost(listen)
	return o
}

// SetListen records the address actually bound (port 0 resolved), so that
// the Host's port is checked too; until then any port passes.
func (o *Origins) SetListen(addr string) {
	host, port := splitHost(addr)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.host = host
	if port != "0" {
		o.port = port
	}
}

// splitHost splits host:port (or a bare host) into a lower-case host without
// brackets or a trailing dot, and the port.
func splitHost(hostport string) (host, port string) {
	host = hostport
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	}
	host = strings.TrimSuffix(strings.Trim(strings.ToLower(host), "[]"), ".")
	return host, port
}

// normHost is an allowed_hosts entry in the form HostOK compares.
func normHost(h string) string {
	host, port := splitHost(h)
	if port == "" {
		return host
	}
	return net.JoinHostPort(host, port)
}

func isUnspecified(host string) bool {
	if host == "" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsUnspecified()
}

func isLoopbackName(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HostOK reports whether a request's Host header names this server.
func (o *Origins) HostOK(hostHeader string) bool {
	host, port := splitHost(hostHeader)
	if host == "" {
		return false
	}
	if o.allowed[host] || port != "" && o.allowed[net.JoinHostPort(host, port)] {
		return true
	}
	o.mu.RLock()
	lhost, lport := o.host, o.port
	o.mu.RUnlock()
	if lport != "" && port != lport {
		return false
	}
	switch {
	case isLoopbackName(lhost):
		return isLoopbackName(host) || host == lhost
	case isUnspecified(lhost):
		// Every interface: the machine's addresses are not known, but a
		// rebinding attack needs a DNS name, so IP literals are safe.
		return host == "localhost" || net.ParseIP(host) != nil
	}
	return host == lhost
}

// Refusal is why a request was refused: an HTTP status and a Chinese
// message.
type Refusal struct {
	Status int
	Msg    string
}

// Check returns why r must be refused, or nil. page marks a route serving
// the console page itself, which a cross-site link may open.
func (o *Origins) Check(r *http.Request, page bool) *Refusal {
	if !o.HostOK(r.Host) {
		return &Refusal{http.StatusForbidden, "拒绝访问：“" + r.Host + "”不是 banzu 监听的地址。如果通过域名或反向代理访问，请把它加入配置 console.allowed_hosts。"}
	}
	site := r.Header.Get("Sec-Fetch-Site")
	changing := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	if site == "cross-site" && (changing || !page || r.Header.Get("Sec-Fetch-Mode") != "navigate") {
		return &Refusal{http.StatusForbidden, "拒绝跨站请求：只接受 banzu 自己的页面发出的请求。"}
	}
	if !changing {
		return nil
	}
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r) {
		return &Refusal{http.StatusForbidden, "拒绝跨站请求：来源 " + origin + " 不是 banzu 自己的页面。"}
	}
	if site == "same-site" {
		return &Refusal{http.StatusForbidden, "拒绝跨站请求：只接受 banzu 自己的页面发出的请求。"}
	}
	return nil
}

// CheckJSON is Check plus, for a state-changing request, a JSON body:
// text/plain and form posts are what a foreign page can send without asking.
func (o *Origins) CheckJSON(r *http.Request, page bool) *Refusal {
	if ref := o.Check(r, page); ref != nil {
		return ref
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &Refusal{http.StatusUnsupportedMediaType, "请求须为 JSON（Content-Type: application/json）。"}
	}
	return nil
}

// sameOrigin reports whether origin is scheme://Host of r.
func sameOrigin(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	if !strings.EqualFold(u.Scheme, scheme) {
		return false
	}
	return normHost(u.Host) == normHost(withDefaultPort(r.Host, scheme)) || normHost(u.Host) == normHost(r.Host)
}

// withDefaultPort drops the scheme's default port so that "a:80" and "a"
// compare equal.
func withDefaultPort(host, scheme string) string {
	if h, p, err := net.SplitHostPort(host); err == nil && (scheme == "http" && p == "80" || scheme == "https" && p == "443") {
		return h
	}
	return host
}

// guard wraps a console route with the origin checks; page marks the page
// itself.
func (s *Server) guard(h http.Handler, page bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.origins != nil {
			if ref := s.origins.CheckJSON(r, page); ref != nil {
				writeError(w, ref.Status, ref.Msg)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}
