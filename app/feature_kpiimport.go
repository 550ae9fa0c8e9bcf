package app

import "net/http"

// The KPI import API: POST /api/v1/kpi/import (see kpi_api.go).
func init() {
	register(Feature{
		Name: "kpi-import",
		Routes: func(a *App, mux *http.ServeMux) {
			mux.HandleFunc("POST /api/v1/kpi/import", a.kpiImport)
		},
	})
}
