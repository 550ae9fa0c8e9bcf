package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/banzu-bot/banzu/store"
)

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
	done    chan struct{} // closed when the sweep has returned

	// OnRun, when set before Start, is called after each run this process
	// made (not for slots a replica took), with the job's error.
	OnRun func(job string, err error)
	// Owner names this process among replicas (slot leases); random when
	// empty.
	Owner string
	// Keyed, when set before Start, gives a run's context the idempotency
	// stem of the messages it sends (bot.WithContentKeys), so a slot run
	// again after a crash does not post what the first run already queued.
	Keyed func(ctx context.Context, stem string) context.Context
	// Sweep is how often slots left running by a crashed process are looked
	// for; 10 s when zero.
	Sweep time.Duration

	once sync.Once // builds c from the fields above at first use
	c    *claims
}

func (s *Scheduler) claims() *claims {
	s.once.Do(func() { s.c = newClaims(s.st, s.log, s.Owner, s.Keyed) })
	return s.c
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
	s.done = make(chan struct{})
	go s.sweep()
	return nil
}

// sweep runs, now and every Sweep, the slots a crashed process left
// running once their lease has lapsed.
func (s *Scheduler) sweep() {
	defer close(s.done)
	every := s.Sweep
	if every <= 0 {
		every = 10 * time.Second
	}
	jobsByName := map[string]*Job{}
	for _, e := range s.entries {
		jobsByName[e.Job.Name] = e.Job
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.claims().recover(s.ctx, jobsByName, s.OnRun)
		if err != nil && s.ctx.Err() == nil {
			s.log.Warn("looking for interrupted job runs failed", "error", err)
		} else if n > 0 {
			s.log.Info("interrupted job runs completed", "runs", n)
		}
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stop stops scheduling and waits for running jobs.
func (s *Scheduler) Stop() {
	if s.cancel != nil {
		s.cancel()
	}
	<-s.cron.Stop().Done()
	if s.done != nil {
		<-s.done
	}
}

// RunSlot runs the job for the slot unless some process (this one or a
// replica) has already run it or is running it. It reports whether it ran.
func (s *Scheduler) RunSlot(ctx context.Context, j *Job, run Run) (bool, error) {
	ran, err := s.claims().run(ctx, j, run)
	if ran && s.OnRun != nil {
		s.OnRun(j.Name, err)
	}
	return ran, err
}

// RunOnce runs the job for the slot unless some process has already run it
// or is running it (see Scheduler.RunSlot). A failed run leaves the slot
// free, so a retry may run it.
func RunOnce(ctx context.Context, st store.Store, log *slog.Logger, j *Job, run Run) (bool, error) {
	return newClaims(st, log, "", nil).run(ctx, j, run)
}

type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
