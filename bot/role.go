package bot

// Role is what a person may do. Roles are ordered: each includes the ones below.
type Role int

// Roles from least to most privileged. Guest is someone not on any roster.
const (
	RoleGuest Role = iota
	RoleAgent
	RoleSupervisor
	RoleManager
	RoleAdmin
)

var roleNames = []string{"guest", "agent", "supervisor", "manager", "admin"}
var roleLabels = []string{"访客", "客服", "主管", "经理", "管理员"}

// String is the role's config name.
func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return "guest"
	}
	return roleNames[r]
}

// Label is the role's Chinese name.
func (r Role) Label() string {
	if r < 0 || int(r) >= len(roleLabels) {
		return roleLabels[0]
	}
	return roleLabels[r]
}

// ParseRole accepts a config name or a Chinese label.
func ParseRole(s string) (Role, bool) {
	for i := range roleNames {
		if s == roleNames[i] || s == roleLabels[i] {
			return Role(i), true
		}
	}
	if s == "" {
		return RoleAgent, true
	}
	return RoleGuest, false
}
