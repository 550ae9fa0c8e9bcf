package app

import (
	"net/http"
	"strings"

	"github.com/banzu-bot/banzu/platform/console"
	"github.com/banzu-bot/banzu/platform/dingtalk"
	"github.com/banzu-bot/banzu/platform/wecom"
)

// access says who may call a route; guard enforces it.
type access int

const (
	// accessConsole asks for the console token when one is set. Routes not
	// registered through route (the console's own: the chat page, its API
	// and files) get it too.
	accessConsole access = iota
	// accessOpen is for operators' probes: health, readiness, metrics.
	accessOpen
	// accessSigned is for platform callbacks: they verify their own
	// signatures, so the console token is not asked.
	accessSigned
	// accessAPI is for the HTTP API: each handler checks the API token, and
	// guard checks Host and origin (a browser could reach it).
	accessAPI
)

// routes registers every HTTP route of banzu with its access. The platform
// callbacks are mounted at the paths their config names.
func (a *App) routes() {
	a.route("GET /healthz", accessOpen, http.HandlerFunc(a.healthz))
	a.route("GET /readyz", accessOpen, http.HandlerFunc(a.readyz))
	a.route("GET /metrics", accessOpen, http.HandlerFunc(a.metricsHandler))

	// The local web chat: console.Server registers its own routes (the
	// page, its messages and files) and checks Host and origin itself.
	if a.Console != nil {
		srv := console.NewServer(a.Console, a.Directory, a.Bot)
		srv.Protect(a.origins)
		srv.Register(a.Mux)
	}
	// The console's supervisor pages (console_*.go).
	a.route("GET /console/api/sup/teams", accessConsole, http.HandlerFunc(a.supTeams))
	a.route("GET /console/api/sup/kpi", accessConsole, http.HandlerFunc(a.supKPI))
	a.route("GET /console/api/sup/review", accessConsole, http.HandlerFunc(a.supReview))
	a.route("GET /console/api/sup/awards", accessConsole, http.HandlerFunc(a.supAwards))
	a.route("GET /console/api/sup/lessons", accessConsole, http.HandlerFunc(a.supLessons))
	a.route("GET /console/api/sup/lessons/export", accessConsole, http.HandlerFunc(a.supLessonsExport))
	a.route("POST /console/api/sup/lessons/import", accessConsole, http.HandlerFunc(a.supLessonsImport))
	a.route("POST /console/api/sup/command", accessConsole, http.HandlerFunc(a.supCommand))

	// The HTTP API.
	a.route("POST /api/v1/kpi/import", accessAPI, http.HandlerFunc(a.kpiImport)) // kpi_api.go
	a.route("GET /api/v1/backup", accessAPI, http.HandlerFunc(a.backup))         // backup_api.go

	// Platform callbacks, with methods so that they do not conflict with the
	// console's "GET /" (a method-less pattern would panic the mux); other
	// methods get 405 from the mux.
	if p := a.wecom; p != nil {
		a.route("GET "+p.CallbackPath(), accessSigned, p.Handler())  // URL verification
		a.route("POST "+p.CallbackPath(), accessSigned, p.Handler()) // messages and events
		if p.Mode() == wecom.ModeLongConn {
			a.route("POST /api/v1/wecom/reconnect", accessAPI, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.wecomReconnect(w, r, p) }))
		}
	}
	if p := a.dingtalk; p != nil && p.Mode() == dingtalk.ModeHTTP {
		a.route("POST "+p.CallbackPath(), accessSigned, p.Handler())
	}
}

// route registers h for pattern ("METHOD /path") with its access.
func (a *App) route(pattern string, acc access, h http.Handler) {
	a.Mux.Handle(pattern, h)
	_, path, _ := strings.Cut(pattern, " ")
	if a.access == nil {
		a.access = map[string]access{}
	}
	a.access[path] = acc
}

// accessOf is the access of a request's path: the route's (a pattern
// ending in "/" covers the paths under it, as in the mux), else the API's for
// any path under /api/ (a mistyped API path gets the API's answer, not a
// request for the console token), else the console's.
func (a *App) accessOf(path string) access {
	if acc, ok := a.access[path]; ok {
		return acc
	}
	best, acc := "", accessConsole
	for p, pacc := range a.access {
		if strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) && len(p) > len(best) {
			best, acc = p, pacc
		}
	}
	if best != "" {
		return acc
	}
	if strings.HasPrefix(path, "/api/") {
		return accessAPI
	}
	return accessConsole
}
