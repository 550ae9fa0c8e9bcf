package dingtalk

import (
	"fmt"

	"github.com/banzu-bot/banzu/config"
)

// Check lists, in Chinese for the operator, what the configuration lacks and
// what will not work because of it. An empty list means nothing is missing.
// Teams bound to WeCom and not to DingTalk are not reported.
func Check(cfg config.DingTalk, teams []config.Team) []string {
	ownCode := cfg.RobotCode != "" && cfg.RobotCode != cfg.ClientID
	cfg = withDefaults(cfg)
	var out []string
	if cfg.Mode != ModeStream && cfg.Mode != ModeHTTP {
		out = append(out, fmt.Sprintf("钉钉：dingtalk.mode 只能是 stream 或 http，现在是 %q。", cfg.Mode))
	}
	if cfg.ClientID == "" {
		out = append(out, "钉钉：缺少 dingtalk.client_id（应用的 Client ID / AppKey），机器人收不到消息，也无法获取发送用的 access_token。")
	}
	if cfg.ClientSecret == "" {
		if cfg.Mode == ModeHTTP {
			out = append(out, "钉钉：缺少 dingtalk.client_secret（Client Secret / AppSecret），HTTP 回调无法验签，机器人收不到消息，也无法主动发送。")
		} else {
			out = append(out, "钉钉：缺少 dingtalk.client_secret（Client Secret / AppSecret），Stream 模式连不上，机器人收不到消息，也无法主动发送。")
		}
	}
	if cfg.ClientID != "" && !ownCode {
		out = append(out, "钉钉：dingtalk.robot_code 使用 client_id（企业内部应用机器人的 robotCode 就是 AppKey）；机器人若不是这个应用自己的，请单独设置 robot_code，否则定时消息、文件和私聊都发不出去。")
	}
	if cfg.CardTemplateID != "" && cfg.Mode == ModeHTTP {
		out = append(out, "钉钉：dingtalk.card_template_id 只在 Stream 模式下有效（卡片点击经 Stream 回传）；HTTP 模式下题目仍以 Markdown 发送，@机器人 回复字母作答。")
	}
	for _, t := range teams {
		if t.DingTalk.OpenConversationID != "" || t.WeCom.ChatID != "" || t.WeCom.WebhookKey != "" {
			continue // bound to a DingTalk group, or a WeCom team
		}
		name := t.Name
		if name == "" {
			name = t.ID
		}
		out = append(out, fmt.Sprintf("钉钉：团队「%s」（%s）没有配置 teams[].dingtalk.open_conversation_id，要等有人在这个群里 @机器人 一次之后，定时消息才能发进群。", name, t.ID))
	}
	return out
}
