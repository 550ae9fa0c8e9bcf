package app

import (
	"net/http"

	"github.com/banzu-bot/banzu/platform/wecom"
)

// wecomReconnect handles POST /api/v1/wecom/reconnect (bearer API token;
// `banzu wecom reconnect` calls it): a long connection stopped because
// another connection took the robot subscribes again. With Redis the kick
// record is cleared for every replica, so the one holding the connection
// lease reconnects even when this request reached another one.
func (a *App) wecomReconnect(w http.ResponseWriter, r *http.Request, p *wecom.Platform) {
	if !a.checkAPIToken(w, r) {
		return
	}
	was, err := p.Reconnect(r.Context())
	if err != nil {
		a.Log.Error("wecom reconnect: kick record not cleared", "error", err)
		kpiWriteJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "存储不可用，未能通知其它副本重新连接：" + err.Error()})
		return
	}
	a.Log.Warn("wecom reconnect requested through the API", "was_kicked", was)
	msg := "已要求企业微信长连接重新订阅。注意：另一个使用同一机器人（bot_id）的部署会因此被挤下线。"
	if !was {
		msg = "本进程的企业微信长连接没有被挤下线；如有其它副本因此停着，它们会重新连接。"
	}
	kpiWriteJSON(w, http.StatusOK, map[string]any{"ok": true, "was_kicked": was, "message": msg})
}
