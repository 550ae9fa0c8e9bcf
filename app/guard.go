package app

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// Loopback reports whether addr listens only on the local machine.
func Loopback(addr string) bool { return loopback(addr) }

// loopback reports whether addr listens only on the local machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckListen refuses to expose the console beyond loopback without a token.
func (a *App) CheckListen(addr string) error {
	if a.Cfg.Console.Enabled && a.Cfg.Console.Token == "" && !loopback(addr) {
		return ErrUnsafeListen
	}
	return nil
}

// guard asks for the console token on console routes when one is set.
func (a *App) guard(next http.Handler) http.Handler {
	token := a.Cfg.Console.Token
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/wecom/") || strings.HasPrefix(p, "/dingtalk/") || strings.HasPrefix(p, "/api/") {
			next.ServeHTTP(w, r) // these verify their own signatures or tokens
			return
		}
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if got == "" {
			got = r.URL.Query().Get("token")
		}
		if c, err := r.Cookie("banzu_token"); got == "" && err == nil {
			got = c.Value
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			http.Error(w, "需要登录令牌：请在地址后加上 ?token=你的 console.token", http.StatusUnauthorized)
			return
		}
		if r.URL.Query().Get("token") != "" {
			http.SetCookie(w, &http.Cookie{Name: "banzu_token", Value: got, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		}
		next.ServeHTTP(w, r)
	})
}
