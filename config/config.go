// Package config holds banzu's configuration: one struct with defaults, loaded
// from an optional YAML file and overridden by BANZU_* environment variables.
// Fields tagged secret:"true" are redacted in every dump.
package config

// Config is the whole configuration. Zero values are filled by Default.
type Config struct {
	TimeZone  string            `yaml:"timezone"`
	Listen    string            `yaml:"listen"`
	DataDir   string            `yaml:"data_dir"`
	Log       Log               `yaml:"log"`
	Store     Store             `yaml:"store"`
	Console   Console           `yaml:"console"`
	API       API               `yaml:"api"`
	WeCom     WeCom             `yaml:"wecom"`
	DingTalk  DingTalk          `yaml:"dingtalk"`
	Bot       Bot               `yaml:"bot"`
	Targets   Targets           `yaml:"targets"`
	KPI       KPI               `yaml:"kpi"`
	Awards    Awards            `yaml:"awards"`
	Lesson    Lesson            `yaml:"lesson"`
	Knowledge Knowledge         `yaml:"knowledge"`
	Growth    Growth            `yaml:"growth"`
	Schedules map[string]string `yaml:"schedules"` // job name -> cron spec, all teams
	Teams     []Team            `yaml:"teams"`
}

// Log configures log/slog.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Store selects and configures the store.
type Store struct {
	Driver string `yaml:"driver"` // embedded or redis
	Redis  Redis  `yaml:"redis"`
}

// Redis configures the Redis store: a URL for one node, or addrs for Sentinel
// (with master_name) or Cluster.
type Redis struct {
	URL        string   `yaml:"url" secret:"true"`
	Addrs      []string `yaml:"addrs"`
	MasterName string   `yaml:"master_name"`
	Username   string   `yaml:"username"`
	Password   string   `yaml:"password" secret:"true"`
	DB         int      `yaml:"db"`
	Prefix     string   `yaml:"prefix"`
}

// Console configures the local web chat.
type Console struct {
	Enabled bool   `yaml:"enabled"`
	Token   string `yaml:"token" secret:"true"` // required when listening beyond loopback
	// AllowedHosts are extra Host names (or host:port) the console and API
	// answer to besides the listen address: a DNS name or a reverse proxy's.
	AllowedHosts []string `yaml:"allowed_hosts"`
}

// API configures the HTTP API (KPI import and friends).
type API struct {
	Token string `yaml:"token" secret:"true"`
}

// Bot configures dispatch.
type Bot struct {
	Workers        int `yaml:"workers"`
	HandlerTimeout int `yaml:"handler_timeout_seconds"`
	DedupHours     int `yaml:"dedup_hours"`
}

// WeCom configures the WeCom adapter.
type WeCom struct {
	AIBot      WeComAIBot `yaml:"aibot"`
	CorpID     string     `yaml:"corp_id"`
	CorpSecret string     `yaml:"corp_secret" secret:"true"`
	AgentID    int        `yaml:"agent_id"`
	APIBase    string     `yaml:"api_base"`
}

// WeComAIBot configures the intelligent robot.
type WeComAIBot struct {
	Mode           string `yaml:"mode"` // longconn or callback
	Token          string `yaml:"token" secret:"true"`
	EncodingAESKey string `yaml:"encoding_aes_key" secret:"true"`
	CallbackPath   string `yaml:"callback_path"`
	BotID          string `yaml:"bot_id"`
	Secret         string `yaml:"secret" secret:"true"`
	WSURL          string `yaml:"ws_url"`
	// ReconnectAfterKick is how many minutes the long connection waits
	// before subscribing again after WeCom closed it because another
	// connection took the robot (disconnected_event); 0, the default, means
	// it stays down until `banzu wecom reconnect` or a restart.
	ReconnectAfterKick int `yaml:"reconnect_after_kick_minutes"`

	// MaxClockSkewSeconds is how far a callback's timestamp may be from our
	// clock; 0 means an hour (as DingTalk).
	MaxClockSkewSeconds int `yaml:"max_clock_skew_seconds"`
}

// DingTalk configures the DingTalk adapter.
type DingTalk struct {
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret" secret:"true"`
	RobotCode    string `yaml:"robot_code"`
	Mode         string `yaml:"mode"` // stream or http
	// CardTemplateID, when set, sends quiz cards as interactive cards of
	// this template (DingTalk's card platform) whose buttons report the
	// chosen option over the stream: one-tap answers. Empty: cards are
	// markdown with lettered options, answered with "@robot B".
	CardTemplateID string `yaml:"card_template_id"`
	CallbackPath   string `yaml:"callback_path"`
	APIBase        string `yaml:"api_base"`
	OAPIBase       string `yaml:"oapi_base"`
}

// Targets maps a level (agent, senior, team) to its KPI rules, e.g.
// {"agent": {"first_response_max": 20, "satisfaction_min": 0.90}}.
// The kpi package defines the rule names.
type Targets map[string]map[string]float64

// Team is one customer-service team with its group chat(s) and roster.
type Team struct {
	ID        string            `yaml:"id"`
	Name      string            `yaml:"name"`
	WeCom     TeamWeCom         `yaml:"wecom"`
	DingTalk  TeamDingTalk      `yaml:"dingtalk"`
	Schedules map[string]string `yaml:"schedules"` // job name -> cron spec for this team ("off" disables)
	Members   []Member          `yaml:"members"`
	// PublicMisses names who missed which target in the group's morning
	// post; off by default, when only the supervisors get the names.
	PublicMisses bool `yaml:"public_misses"`
	// Metrics are the KPI figures the team is judged on (KPIMetrics); empty
	// means all. Targets, titles and the composite score leave out the rest:
	// an after-sales team without conversion gets no 转化之星.
	Metrics []string `yaml:"metrics"`
	// Targets replace the global targets level by level for this team.
	Targets Targets `yaml:"targets"`
	// Titles replace awards.titles for this team (empty: the global titles
	// of the metrics the team is judged on).
	Titles []AwardTitle `yaml:"titles"`
}

// TeamWeCom binds a team to a WeCom group.
type TeamWeCom struct {
	ChatID     string `yaml:"chat_id"`
	WebhookKey string `yaml:"webhook_key" secret:"true"`
}

// TeamDingTalk binds a team to a DingTalk group.
type TeamDingTalk struct {
	OpenConversationID string `yaml:"open_conversation_id"`
}

// Member is one person on a team's roster.
type Member struct {
	ID             string   `yaml:"id"`   // banzu's own id, stable
	Name           string   `yaml:"name"` // display name
	WeComUserID    string   `yaml:"wecom_userid"`
	DingTalkUserID string   `yaml:"dingtalk_userid"`
	Aliases        []string `yaml:"aliases"` // shop sub-accounts, e.g. "旗舰店:小王"
	Role           string   `yaml:"role"`    // agent, supervisor, manager, admin
	Level          string   `yaml:"level"`   // agent or senior (targets)
	Mentor         string   `yaml:"mentor"`  // member id of the mentor
	HireDate       string   `yaml:"hire_date"`
}
