package config

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Roles a member may hold, from least to most privileged.
var Roles = []string{"agent", "supervisor", "manager", "admin"}

// Validate checks the whole configuration and returns every problem found,
// each naming its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		bad("timezone", "未知时区 %q", c.TimeZone)
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", "应为 host:port，得到 %q", c.Listen)
	}
	for _, h := range c.Console.AllowedHosts {
		if h == "" || strings.ContainsAny(h, "/?#@ ") {
			bad("console.allowed_hosts", "应为主机名或 主机名:端口（例如 banzu.example.com），不带 http:// 和路径，得到 %q", h)
		}
	}
	if c.WeCom.AIBot.MaxClockSkewSeconds < 0 {
		bad("wecom.aibot.max_clock_skew_seconds", "不能为负数（0 表示默认的 3600 秒），得到 %d", c.WeCom.AIBot.MaxClockSkewSeconds)
	}
	if c.DataDir == "" {
		bad("data_dir", "不能为空")
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		bad("log.level", "应为 debug、info、warn 或 error，得到 %q", c.Log.Level)
	}
	if !oneOf(c.Log.Format, "text", "json") {
		bad("log.format", "应为 text 或 json，得到 %q", c.Log.Format)
	}
	switch c.Store.Driver {
	case "embedded":
	case "redis":
		if c.Store.Redis.URL == "" && len(c.Store.Redis.Addrs) == 0 {
			bad("store.redis.url", "store.driver 为 redis 时需要 store.redis.url 或 store.redis.addrs")
		}
	default:
		bad("store.driver", "应为 embedded 或 redis，得到 %q", c.Store.Driver)
	}
	if c.Bot.Workers < 1 || c.Bot.Workers > 1024 {
		bad("bot.workers", "应在 1 到 1024 之间，得到 %d", c.Bot.Workers)
	}
	if c.Bot.HandlerTimeout < 1 {
		bad("bot.handler_timeout_seconds", "应大于 0")
	}
	if c.Bot.DedupHours < 1 {
		bad("bot.dedup_hours", "应大于 0")
	}
	if !oneOf(c.WeCom.AIBot.Mode, "", "longconn", "callback") {
		bad("wecom.aibot.mode", "应为 longconn 或 callback，得到 %q", c.WeCom.AIBot.Mode)
	}
	if k := c.WeCom.AIBot.EncodingAESKey; k != "" && len(k) != 43 {
		bad("wecom.aibot.encoding_aes_key", "应为 43 个字符，得到 %d 个", len(k))
	}
	if !oneOf(c.DingTalk.Mode, "stream", "http") {
		bad("dingtalk.mode", "应为 stream 或 http，得到 %q", c.DingTalk.Mode)
	}
	for level, rules := range c.Targets {
		if !oneOf(level, "agent", "senior", "team") {
			bad("targets."+level, "级别应为 agent、senior 或 team")
		}
		for rule, v := range rules {
			key := "targets." + level + "." + rule
			switch {
			case strings.HasSuffix(rule, "_response_max"):
				if v <= 0 || v > 3600 {
					bad(key, "应为 0 到 3600 之间的秒数，得到 %g", v)
				}
			case v < 0 || v > 1:
				bad(key, "比例应写成 0 到 1 之间的小数（90%% 写 0.9），得到 %g", v)
			}
		}
	}
	if c.KPI.AlertYellow <= 0 || c.KPI.AlertRed < c.KPI.AlertYellow {
		bad("kpi.alert_yellow", "黄色预警阈值应大于 0，且不大于红色预警阈值 kpi.alert_red（得到 %g 和 %g）", c.KPI.AlertYellow, c.KPI.AlertRed)
	}
	for k, w := range c.KPI.StarWeights {
		if !oneOf(k, "satisfaction", "conversion", "first_response", "served", "bad_rate") {
			bad("kpi.star_weights."+k, "不认识的指标，可用 satisfaction、conversion、first_response、served、bad_rate")
		} else if w < 0 {
			bad("kpi.star_weights."+k, "权重不能为负数")
		}
	}
	if err := c.Awards.ValidateAwards(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Lesson.ValidateLesson(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Knowledge.ValidateKnowledge(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Growth.ValidateGrowth(); err != nil {
		errs = append(errs, err)
	}
	c.validateTeams(bad)
	return errors.Join(errs...)
}

func (c *Config) validateTeams(bad func(key, format string, args ...any)) {
	teams := map[string]bool{}
	members := map[string]string{}
	for _, t := range c.Teams {
		for _, m := range t.Members {
			members[m.ID] = ""
		}
	}
	for i, t := range c.Teams {
		inTeam := map[string]bool{}
		for j, m := range t.Members {
			if inTeam[m.ID] {
				bad(fmt.Sprintf("teams[%d].members[%d].id", i, j), "成员 %q 在团队 %q 里出现了两次", m.ID, t.ID)
			}
			inTeam[m.ID] = true
			if m.Mentor != "" {
				if _, ok := members[m.Mentor]; !ok {
					bad(fmt.Sprintf("teams[%d].members[%d].mentor", i, j), "师傅 %q 不是任何团队的成员（填成员的 id）", m.Mentor)
				}
			}
		}
	}
	members = map[string]string{}
	for i, t := range c.Teams {
		key := fmt.Sprintf("teams[%d]", i)
		if !idPattern.MatchString(t.ID) {
			bad(key+".id", "应为 1-64 位字母、数字、_ 或 -，得到 %q", t.ID)
		} else if teams[t.ID] {
			bad(key+".id", "团队 %q 重复", t.ID)
		}
		teams[t.ID] = true
		if strings.TrimSpace(t.Name) == "" {
			bad(key+".name", "不能为空")
		}
		c.validateTeamJudging(key, t, bad)
		for j, m := range t.Members {
			mkey := fmt.Sprintf("%s.members[%d]", key, j)
			if !idPattern.MatchString(m.ID) {
				bad(mkey+".id", "应为 1-64 位字母、数字、_ 或 -，得到 %q", m.ID)
			}
			if strings.TrimSpace(m.Name) == "" {
				bad(mkey+".name", "不能为空")
			}
			if prev, ok := members[m.ID]; ok && prev != m.Name && !inTeamTwice(t, m.ID) {
				bad(mkey+".id", "成员 %q 在多个团队中的姓名不一致（%s / %s）", m.ID, prev, m.Name)
			}
			members[m.ID] = m.Name
			if m.Role != "" && !oneOf(m.Role, Roles...) {
				bad(mkey+".role", "应为 agent、supervisor、manager 或 admin，得到 %q", m.Role)
			}
			if !oneOf(m.Level, "", "agent", "senior") {
				bad(mkey+".level", "应为 agent 或 senior，得到 %q", m.Level)
			}
			if m.HireDate != "" {
				if _, err := time.Parse("2006-01-02", m.HireDate); err != nil {
					bad(mkey+".hire_date", "应为 YYYY-MM-DD，得到 %q", m.HireDate)
				}
			}
		}
	}
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// Location returns the configured time zone (validated by Validate).
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// inTeamTwice reports whether id appears more than once in t (reported on its own).
func inTeamTwice(t Team, id string) bool {
	n := 0
	for _, m := range t.Members {
		if m.ID == id {
			n++
		}
	}
	return n > 1
}
