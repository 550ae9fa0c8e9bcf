package wecom

import (
	"fmt"

	"github.com/banzu-bot/banzu/config"
)

// Check lists, in Chinese, what the configuration lacks for each WeCom
// ability: listening (callback mode: aibot token and a 43-character
// encoding_aes_key), files and messages to managers (corp_id, corp_secret,
// agent_id), scheduled posts (each team's webhook_key). An empty list means
// everything is there. In long-connection mode (ModeOf) listening needs
// bot_id and secret instead, and scheduled posts go over the connection to
// each group's chat id (configured, or learned when the robot is first @-ed
// there), so a team without webhook_key is only noted when its chat id is
// not configured.
func Check(cfg config.WeCom, teams []config.Team) []string {
	var out []string
	longconn := ModeOf(cfg) == ModeLongConn
	if longconn {
		if cfg.AIBot.BotID == "" {
			out = append(out, "未配置 wecom.aibot.bot_id：长连接模式无法连接智能机器人")
		}
		if cfg.AIBot.Secret == "" {
			out = append(out, "未配置 wecom.aibot.secret：长连接模式无法连接智能机器人")
		}
	} else {
		if cfg.AIBot.Token == "" {
			out = append(out, "未配置 wecom.aibot.token：无法接收群里 @机器人 的消息（回调模式）")
		}
		switch key := cfg.AIBot.EncodingAESKey; {
		case key == "":
			out = append(out, "未配置 wecom.aibot.encoding_aes_key：无法解密群里 @机器人 的消息（回调模式）")
		case len(key) != 43:
			out = append(out, fmt.Sprintf("wecom.aibot.encoding_aes_key 应为 43 个字符（现为 %d 个）：无法解密回调消息", len(key)))
		default:
			if _, err := decodeAESKey(key); err != nil {
				out = append(out, "wecom.aibot.encoding_aes_key 不是合法的 Base64 密钥：无法解密回调消息")
			}
		}
	}
	if cfg.CorpID == "" {
		out = append(out, "未配置 wecom.corp_id：无法通过自建应用给经理发送文件和私信")
	}
	if cfg.CorpSecret == "" {
		out = append(out, "未配置 wecom.corp_secret：无法通过自建应用给经理发送文件和私信")
	}
	if cfg.AgentID == 0 {
		out = append(out, "未配置 wecom.agent_id：无法通过自建应用给经理发送文件和私信")
	}
	for _, t := range teams {
		if longconn {
			if t.WeCom.ChatID == "" && t.WeCom.WebhookKey == "" {
				out = append(out, fmt.Sprintf("团队 %s 未配置 wecom.chat_id：请在该群里 @机器人 一次，之后才能向该群定时推送", teamLabel(t)))
			}
			continue
		}
		if t.WeCom.WebhookKey == "" {
			out = append(out, fmt.Sprintf("团队 %s 未配置 wecom.webhook_key：无法向该群定时推送消息，回复过期后也无法补发", teamLabel(t)))
		}
	}
	return out
}

func teamLabel(t config.Team) string {
	if t.Name != "" && t.Name != t.ID {
		return fmt.Sprintf("%s（%s）", t.Name, t.ID)
	}
	return t.ID
}
