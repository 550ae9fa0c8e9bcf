// Package jobs holds banzu's scheduled work: a named registry of jobs, each
// runnable once from the command line, and a scheduler that runs each slot of
// each job exactly once even with several replicas.
package jobs

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Run is one run of a job: for one team (empty for company-wide jobs) and one
// scheduled slot.
type Run struct {
	TeamID string
	Slot   time.Time // the scheduled time this run stands for
}

// Job is a named piece of scheduled work.
type Job struct {
	Name        string
	Description string // Chinese, shown by `banzu job list`
	DefaultSpec string // cron spec, five fields, in the configured time zone
	PerTeam     bool   // run once per team
	Fn          func(ctx context.Context, run Run) error
}

// Registry is the named list of jobs.
type Registry struct {
	jobs map[string]*Job
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{jobs: map[string]*Job{}} }

// Add registers jobs; a name used twice is a programming error.
func (r *Registry) Add(jobs ...*Job) {
	for _, j := range jobs {
		if _, dup := r.jobs[j.Name]; dup {
			panic("jobs: registered twice: " + j.Name)
		}
		r.jobs[j.Name] = j
	}
}

// Get finds a job by name.
func (r *Registry) Get(name string) (*Job, error) {
	j, ok := r.jobs[name]
	if !ok {
		return nil, fmt.Errorf("没有名为 %q 的任务，可用任务：%v", name, r.Names())
	}
	return j, nil
}

// Names lists the job names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.jobs))
	for n := range r.jobs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// All lists the jobs sorted by name.
func (r *Registry) All() []*Job {
	var out []*Job
	for _, n := range r.Names() {
		out = append(out, r.jobs[n])
	}
	return out
}
