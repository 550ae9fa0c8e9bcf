package bot

import (
	"context"
	"errors"
)

// SupervisorIDs are the member ids of the team's supervisors, in roster order.
func (d *Directory) SupervisorIDs(teamID string) []string {
	var ids []string
	for _, m := range d.Supervisors(teamID) {
		ids = append(ids, m.ID)
	}
	return ids
}

// NotifySupervisors sends msg to the team's supervisors directly, or into the
// group @-mentioning them when they cannot be reached directly (and into the
// group when the team has none).
func (b *Bot) NotifySupervisors(ctx context.Context, teamID string, msg Message) error {
	sups := b.Directory.SupervisorIDs(teamID)
	for _, id := range sups {
		err := b.SendMember(ctx, id, msg)
		if err == nil {
			continue
		}
		if !errors.Is(err, ErrNoDestination) {
			return err
		}
		msg.Mentions = sups
		return b.PostTeam(ctx, teamID, msg)
	}
	if len(sups) == 0 {
		return b.PostTeam(ctx, teamID, msg)
	}
	return nil
}

// Leads are the people who look after a team: its supervisors, or its
// managers when it has none.
func (d *Directory) Leads(teamID string) []*Member {
	if sups := d.Supervisors(teamID); len(sups) > 0 {
		return sups
	}
	t := d.Team(teamID)
	if t == nil {
		return nil
	}
	var managers []*Member
	for _, m := range t.Members {
		if d.RoleOf(m) >= RoleManager {
			managers = append(managers, m)
		}
	}
	return managers
}
