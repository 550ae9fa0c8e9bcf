package bot

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/store"
)

// Member is a person on the roster as the bot sees them.
type Member struct {
	ID     string
	Name   string
	Role   Role
	Level  string
	Teams  []string // team ids, in config order
	Config config.Member
}

// Team is a team as the bot sees it.
type Team struct {
	ID      string
	Name    string
	Config  config.Team
	Members []*Member
}

// rolesColl holds role changes made with /role, keyed by member id.
const rolesColl = "roles"

// levelsColl holds KPI levels ("agent", "senior") set with /level, keyed by
// member id; they win over config like roles do.
const levelsColl = "levels.current"

// chatsColl holds chats learned from messages: "platform\x00chat" -> team id.
const chatsColl = "chats"

// Directory answers who is who: members by platform user id, teams by chat.
// It is built from config; role changes live in the store and win over config.
type Directory struct {
	st    store.Store
	mu    sync.RWMutex
	teams []*Team
	byID  map[string]*Member
	// user ids per platform -> member
	users map[string]map[string]*Member
	// chat ids per platform -> team
	chats map[string]map[string]*Team
}

// NewDirectory builds the directory from the configured teams and loads role
// overrides from the store.
func NewDirectory(ctx context.Context, st store.Store, teams []config.Team) (*Directory, error) {
	d := &Directory{st: st, byID: map[string]*Member{}, users: map[string]map[string]*Member{}, chats: map[string]map[string]*Team{}}
	for _, tc := range teams {
		t := &Team{ID: tc.ID, Name: tc.Name, Config: tc}
		d.teams = append(d.teams, t)
		d.bindChat("console", tc.ID, t)
		d.bindChat("wecom", tc.WeCom.ChatID, t)
		d.bindChat("dingtalk", tc.DingTalk.OpenConversationID, t)
		for _, mc := range tc.Members {
			m := d.byID[mc.ID]
			if m == nil {
				role, _ := ParseRole(mc.Role)
				m = &Member{ID: mc.ID, Name: mc.Name, Role: role, Level: mc.Level, Config: mc}
				d.byID[mc.ID] = m
			}
			m.Teams = append(m.Teams, tc.ID)
			t.Members = append(t.Members, m)
			d.bindUser("console", mc.ID, m)
			d.bindUser("wecom", mc.WeComUserID, m)
			d.bindUser("dingtalk", mc.DingTalkUserID, m)
		}
	}
	err := st.Scan(ctx, chatsColl, "", "", func(k string, v []byte) error {
		if platform, chat, ok := strings.Cut(k, "\x00"); ok {
			if t := d.Team(string(v)); t != nil && d.chats[platform][chat] == nil {
				d.bindChat(platform, chat, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.Scan(ctx, rolesColl, "", "", func(id string, v []byte) error {
		if m := d.byID[id]; m != nil {
			if r, ok := ParseRole(string(v)); ok {
				m.Role = r
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.Scan(ctx, levelsColl, "", "", func(id string, v []byte) error {
		if m := d.byID[id]; m != nil {
			m.Level = string(v)
		}
		return nil
	})
	return d, err
}

func (d *Directory) bindChat(platform, id string, t *Team) {
	if id == "" {
		return
	}
	if d.chats[platform] == nil {
		d.chats[platform] = map[string]*Team{}
	}
	d.chats[platform][id] = t
}

func (d *Directory) bindUser(platform, id string, m *Member) {
	if id == "" {
		return
	}
	if d.users[platform] == nil {
		d.users[platform] = map[string]*Member{}
	}
	d.users[platform][id] = m
}

// Teams lists all teams in config order.
func (d *Directory) Teams() []*Team { return d.teams }

// Team finds a team by id.
func (d *Directory) Team(id string) *Team {
	for _, t := range d.teams {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Member finds a member by banzu id.
func (d *Directory) Member(id string) *Member {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.byID[id]
}

// User finds the member behind a platform user id.
func (d *Directory) User(platform, userID string) *Member {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.users[platform][userID]
}

// Chat finds the team bound to a platform chat.
func (d *Directory) Chat(platform, chatID string) *Team {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.chats[platform][chatID]
}

// BindChat remembers that a platform chat belongs to a team (learned from a
// message, for example). The binding is stored so it survives restarts; a
// chat already bound is left as it is.
func (d *Directory) BindChat(ctx context.Context, platform, chatID, teamID string) error {
	t := d.Team(teamID)
	if t == nil || chatID == "" || d.Chat(platform, chatID) != nil {
		return nil
	}
	if err := d.st.Put(ctx, chatsColl, platform+"\x00"+chatID, []byte(teamID)); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.bindChat(platform, chatID, t)
	return nil
}

// TeamChat is the chat a team is reached in on a platform: the configured
// one, else one learned from a message; "" when there is none.
func (d *Directory) TeamChat(platform, teamID string) string {
	t := d.Team(teamID)
	if t == nil {
		return ""
	}
	switch platform {
	case "console":
		return t.ID
	case "wecom":
		if t.Config.WeCom.ChatID != "" {
			return t.Config.WeCom.ChatID
		}
	case "dingtalk":
		if t.Config.DingTalk.OpenConversationID != "" {
			return t.Config.DingTalk.OpenConversationID
		}
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	best := ""
	for id, bound := range d.chats[platform] {
		if bound == t && (best == "" || id < best) {
			best = id
		}
	}
	return best
}

// UserID is a member's user id on a platform, "" when they have none there.
func (m *Member) UserID(platform string) string {
	switch platform {
	case "console":
		return m.ID
	case "wecom":
		return m.Config.WeComUserID
	case "dingtalk":
		return m.Config.DingTalkUserID
	}
	return ""
}

// RoleOf returns a member's current role.
func (d *Directory) RoleOf(m *Member) Role {
	if m == nil {
		return RoleGuest
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return m.Role
}

// Supervisors lists the members of a team whose current role (after /role
// changes) is supervisor, in roster order; nil for an unknown team.
func (d *Directory) Supervisors(teamID string) []*Member {
	t := d.Team(teamID)
	if t == nil {
		return nil
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []*Member
	for _, m := range t.Members {
		if m.Role == RoleSupervisor {
			out = append(out, m)
		}
	}
	return out
}

// SetRole changes a member's role and stores it so it survives restarts.
func (d *Directory) SetRole(ctx context.Context, memberID string, r Role) error {
	m := d.Member(memberID)
	if m == nil {
		return errors.New("unknown member " + memberID)
	}
	if err := d.st.Put(ctx, rolesColl, memberID, []byte(r.String())); err != nil {
		return err
	}
	d.mu.Lock()
	m.Role = r
	d.mu.Unlock()
	return nil
}

// LevelOf returns a member's current KPI level ("agent" or "senior").
func (d *Directory) LevelOf(m *Member) string {
	if m == nil {
		return ""
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return m.Level
}

// SetLevel changes a member's KPI level and stores it so it survives
// restarts.
func (d *Directory) SetLevel(ctx context.Context, memberID, level string) error {
	m := d.Member(memberID)
	if m == nil {
		return errors.New("unknown member " + memberID)
	}
	if err := d.st.Put(ctx, levelsColl, memberID, []byte(level)); err != nil {
		return err
	}
	d.mu.Lock()
	m.Level = level
	d.mu.Unlock()
	return nil
}

// FindInTeam finds a team member by "@name", name, member id or shop alias.
func (d *Directory) FindInTeam(t *Team, ref string) *Member {
	ref = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(ref, "@"), "＠"))
	if t == nil || ref == "" {
		return nil
	}
	for _, m := range t.Members {
		if m.Name == ref || m.ID == ref {
			return m
		}
	}
	for _, m := range t.Members {
		for _, a := range m.Config.Aliases {
			if a == ref {
				return m
			}
		}
	}
	return nil
}
