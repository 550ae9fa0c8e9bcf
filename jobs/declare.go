package jobs

import (
	"context"
	"time"
)

// PerTeam declares a job run once per team at each slot of spec: fn gets
// the team id and the slot, and what it returns besides its error (how many
// it posted, whether it did) is for its other callers.
func PerTeam[T any](name, description, spec string, fn func(ctx context.Context, teamID string, slot time.Time) (T, error)) *Job {
	return &Job{Name: name, Description: description, DefaultSpec: spec, PerTeam: true,
		Fn: func(ctx context.Context, run Run) error {
			_, err := fn(ctx, run.TeamID, run.Slot)
			return err
		}}
}
