package config

// Default returns the configuration banzu runs with when nothing is configured:
// embedded store, console chat on loopback, Asia/Shanghai.
func Default() *Config {
	return &Config{
		TimeZone: "Asia/Shanghai",
		Listen:   "127.0.0.1:8080",
		DataDir:  "./data",
		Log:      Log{Level: "info", Format: "text"},
		Store:    Store{Driver: "embedded", Redis: Redis{Prefix: "banzu:"}},
		Console:  Console{Enabled: true},
		Bot:      Bot{Workers: 64, HandlerTimeout: 30, DedupHours: 24},
		WeCom: WeCom{
			APIBase: "https://qyapi.weixin.qq.com",
			AIBot:   WeComAIBot{CallbackPath: "/wecom/aibot", WSURL: "wss://openws.work.weixin.qq.com"},
		},
		DingTalk: DingTalk{
			Mode:         "stream",
			CallbackPath: "/dingtalk/callback",
			APIBase:      "https://api.dingtalk.com",
			OAPIBase:     "https://oapi.dingtalk.com",
		},
		KPI:       KPI{StarWeights: DefaultStarWeights(), AlertYellow: 0.5, AlertRed: 1.0},
		Awards:    DefaultAwards(),
		Lesson:    DefaultLesson(),
		Knowledge: DefaultKnowledge(),
		Growth:    DefaultGrowth(),
		Schedules: map[string]string{},
	}
}
