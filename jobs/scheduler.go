package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/banzu-bot/banzu/store"
)

// slotColl records which job slots have been claimed, so each runs once.
const slotColl = "jobs.slots"

// Entry is one scheduled (job, team, spec).
type Entry struct {
	Job    *Job
	TeamID string
	Spec   string
}

// Scheduler runs registry jobs on their cron specs.
type Scheduler struct {
	st      store.Store
	cron    *cron.Cron
	loc     *time.Location
	log     *slog.Logger
	entries []Entry
	ctx     context.Context
	cancel  context.CancelFunc

	// OnRun, when set before Start, is called after each run this process
	// made (not for slots a replica took), with the job's error.
	OnRun func(job string, err error)
}

// Plan decides what runs when: the job's default spec, overridden by the
// company-wide schedules map, overridden by a team's own map; "off" disables.
// Every spec is validated here, so a bad one stops start-up with its key named.
func Plan(reg *Registry, teamIDs []string, company map[string]string, perTeam map[string]map[string]string) ([]Entry, error) {
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	var out []Entry
	check := func(key, spec string) error {
		if _, err := parser.Parse(spec); err != nil {
			return fmt.Errorf("%s: 无效的 cron 表达式 %q: %v", key, spec, err)
		}
		return nil
	}
	for name := range company {
		if _, err := reg.Get(name); err != nil {
			return nil, fmt.Errorf("schedules.%s: %v", name, err)
		}
	}
	for _, j := range reg.All() {
		spec := j.DefaultSpec
		if s, ok := company[j.Name]; ok {
			spec = s
		}
		if !j.PerTeam {
			if spec == "" || spec == "off" {
				continue
			}
			if err := check("schedules."+j.Name, spec); err != nil {
				return nil, err
			}
			out = append(out, Entry{Job: j, Spec: spec})
			continue
		}
		for _, t := range teamIDs {
			ts := spec
			if s, ok := perTeam[t][j.Name]; ok {
				ts = s
			}
			if ts == "" || ts == "off" {
				continue
			}
			if err := check(fmt.Sprintf("teams[%s].schedules.%s", t, j.Name), ts); err != nil {
				return nil, err
			}
			out = append(out, Entry{Job: j, TeamID: t, Spec: ts})
		}
	}
	return out, nil
}

// NewScheduler prepares a scheduler for the planned entries.
func NewScheduler(st store.Store, entries []Entry, loc *time.Location, log *slog.Logger) *Scheduler {
	s := &Scheduler{st: st, loc: loc, log: log, entries: entries}
	s.cron = cron.New(cron.WithLocation(loc), cron.WithChain(cron.Recover(cronLogger{log}), cron.SkipIfStillRunning(cronLogger{log})))
	return s
}

// Start schedules every entry and logs its next run.
func (s *Scheduler) Start(ctx context.Context) error {
	s.ctx, s.cancel = context.WithCancel(ctx)
	for _, e := range s.entries {
		e := e
		sched, err := cron.ParseStandard(e.Spec)
		if err != nil {
			return err
		}
		s.cron.Schedule(sched, cron.FuncJob(func() {
			slot := time.Now().In(s.loc).Truncate(time.Minute)
			if _, err := s.RunSlot(s.ctx, e.Job, Run{TeamID: e.TeamID, Slot: slot}); err != nil {
				s.log.Error("job failed", "job", e.Job.Name, "team_id", e.TeamID, "error", err)
			}
		}))
		s.log.Info("job scheduled", "job", e.Job.Name, "team_id", e.TeamID, "spec", e.Spec, "next", sched.Next(time.Now().In(s.loc)).Format(time.RFC3339))
	}
	s.cron.Start()
	return nil
}

// Stop stops scheduling and waits for running jobs.
func (s *Scheduler) Stop() {
	if s.cancel != nil {
		s.cancel()
	}
	<-s.cron.Stop().Done()
}

// RunSlot runs the job for the slot unless some process (this one or a
// replica) has already claimed that slot. It reports whether it ran.
func (s *Scheduler) RunSlot(ctx context.Context, j *Job, run Run) (bool, error) {
	ran, err := RunOnce(ctx, s.st, s.log, j, run)
	if ran && s.OnRun != nil {
		s.OnRun(j.Name, err)
	}
	return ran, err
}

// RunOnce claims the (job, team, slot) key in the store and runs the job if
// the claim is new. A failed run releases the claim so a retry may run it.
func RunOnce(ctx context.Context, st store.Store, log *slog.Logger, j *Job, run Run) (bool, error) {
	key := fmt.Sprintf("%s/%s/%s", j.Name, run.TeamID, run.Slot.UTC().Format("2006-01-02T15:04"))
	claimed, err := st.PutIfAbsent(ctx, slotColl, key, []byte(time.Now().UTC().Format(time.RFC3339)))
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	if !claimed {
		log.Info("job slot already taken", "job", j.Name, "team_id", run.TeamID, "slot", key)
		return false, nil
	}
	start := time.Now()
	err = j.Fn(ctx, run)
	log.Info("job ran", "job", j.Name, "team_id", run.TeamID, "duration_ms", time.Since(start).Milliseconds(), "ok", err == nil)
	if err != nil {
		_ = st.Delete(context.Background(), slotColl, key)
		return true, err
	}
	return true, nil
}

type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
