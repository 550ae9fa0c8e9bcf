package app

import (
	"crypto/subtle"
	"encoding/json"
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

// SetListenAddr tells banzu the address its HTTP server is bound to (with
// port 0 resolved), so that the Host checks of the console and the API
// compare the port too.
func (a *App) SetListenAddr(addr string) { a.origins.SetListen(addr) }

// guard enforces each route's access (see routes): it checks Host and
// origin on the API (a browser could reach it: see console.Origins; the
// console's own routes check themselves) and asks for the console token on
// console routes when one is set. Probes, platform callbacks (at their
// configured paths) and the API, which checks its own token, are not asked.
func (a *App) guard(next http.Handler) http.Handler {
	token := a.Cfg.Console.Token
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acc := a.accessOf(r.URL.Path)
		if acc == accessAPI {
			if ref := a.origins.Check(r, false); ref != nil {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(ref.Status)
				_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": ref.Msg})
				return
			}
		}
		if token == "" || acc != accessConsole {
			next.ServeHTTP(w, r)
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
