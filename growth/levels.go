// Package growth is how a service team grows its people: the path of levels
// (客服专员 → 资深客服 → 客服主管 → 客服经理) with a history of every change,
// the practice's criteria for promotion shown beside a person's record, and
// the monthly one-to-ones (面谈) a supervisor holds with each member.
//
// The package knows nothing about chat platforms: handlers gather a
// person's figures into a Record and turn results into messages. Whatever a
// promotion sets off elsewhere (the 伯乐奖 follow-up) listens through the
// small Listener interface.
package growth

import (
	"strings"
)

// Levels on the path, as stored.
const (
	LevelAgent      = "agent"
	LevelSenior     = "senior"
	LevelSupervisor = "supervisor"
	LevelManager    = "manager"
)

// Path is the levels in order.
var Path = []string{LevelAgent, LevelSenior, LevelSupervisor, LevelManager}

var labels = map[string]string{
	LevelAgent:      "客服专员",
	LevelSenior:     "资深客服",
	LevelSupervisor: "客服主管",
	LevelManager:    "客服经理",
}

// Label is a level's Chinese name; an unknown level is shown as it is.
func Label(level string) string {
	if l, ok := labels[level]; ok {
		return l
	}
	return level
}

// Rank is a level's place on the path (0 for 客服专员), -1 when unknown.
func Rank(level string) int {
	for i, l := range Path {
		if l == level {
			return i
		}
	}
	return -1
}

// Next is the level after level, "" at the top or for an unknown level.
func Next(level string) string {
	if r := Rank(level); r >= 0 && r+1 < len(Path) {
		return Path[r+1]
	}
	return ""
}

// ParseLevel reads a level as people type it: 资深, 资深客服, senior,
// 专员, 客服专员, 客服, agent, 主管, 客服主管, supervisor, 经理, 客服经理,
// manager.
func ParseLevel(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "专员", "客服专员", "客服", "agent":
		return LevelAgent, true
	case "资深", "资深客服", "senior":
		return LevelSenior, true
	case "主管", "客服主管", "supervisor":
		return LevelSupervisor, true
	case "经理", "客服经理", "manager":
		return LevelManager, true
	}
	return "", false
}
