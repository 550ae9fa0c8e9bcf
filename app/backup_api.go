package app

import (
	"fmt"
	"net/http"
	"time"

	"github.com/banzu-bot/banzu/store/embedded"
)

// backup streams a consistent copy of the embedded database while banzu runs
// (GET /api/v1/backup, bearer API token). Restore: stop banzu and put the file
// in place of data_dir/banzu.db.
func (a *App) backup(w http.ResponseWriter, r *http.Request) {
	if !a.checkAPIToken(w, r) {
		return
	}
	st, ok := unwrapStore(a.Store).(*embedded.Store)
	if !ok {
		kpiAPIError(w, http.StatusBadRequest, "当前使用 Redis 存储：请用 Redis 自己的持久化和备份（RDB/AOF）。")
		return
	}
	name := "banzu-" + a.Now().Format("20060102-150405") + ".db"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	start := time.Now()
	n, err := st.Backup(w)
	if err != nil {
		// Headers are out; the client sees a short body. Log it for the operator.
		a.Log.Error("online backup failed", "bytes", n, "error", err)
		return
	}
	a.Log.Info("online backup", "bytes", n, "duration_ms", time.Since(start).Milliseconds())
}
