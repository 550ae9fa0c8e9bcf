package wecom

import (
	"context"

	"github.com/banzu-bot/banzu/config"
)

// welcome answers an enter_chat event (a user opened a chat with the robot)
// with aibot_respond_welcome_msg on its req_id, in the background: WeCom
// takes it within 5 s, and the read loop must not wait for the ack.
func (p *Platform) welcome(w *wsConn, reqID, user string) {
	text := Greeting(p.teams, user)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), updateWindow)
		defer cancel()
		body := map[string]any{"msgtype": "text", "text": map[string]string{"content": text}}
		ok, err := p.respondCmd(ctx, w, CmdRespondWelcome, reqID, body)
		switch {
		case err != nil:
			p.log.Warn("wecom welcome not sent", "user_id", user, "error", err)
		case !ok:
			p.log.Info("wecom welcome refused", "user_id", user)
		default:
			p.log.Debug("wecom welcome sent", "user_id", user)
		}
	}()
}

// Greeting is the short welcome for a WeCom user, by their role on the
// roster: agents hear how to learn and answer, supervisors and managers
// where their reports are, strangers whom to ask.
func Greeting(teams []config.Team, user string) string {
	var m *config.Member
	for _, t := range teams {
		for i := range t.Members {
			if user != "" && t.Members[i].WeComUserID == user {
				m = &t.Members[i]
			}
		}
	}
	if m == nil {
		return "你好，我是班组助手。你还不在班组名单里，请联系主管把你加进来；发送 /help 查看我能做什么。"
	}
	name := m.Name
	switch m.Role {
	case "supervisor", "manager", "admin":
		return name + "你好，我是班组助手。发送 /help 查看报表、KPI 和培训的命令。"
	}
	return name + "你好，我是班组助手。发送 /help 查看我能做什么；答题时点卡片上的按钮就行。"
}
