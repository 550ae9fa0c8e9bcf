package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/store"
)

const (
	// slotColl records the job slots that have run to the end, so each runs
	// once.
	slotColl = "jobs.slots"
	// runningColl records the slots being run, so that a slot whose process
	// died mid-run is run again by another (or the restarted) process.
	runningColl = "jobs.running"
	// slotLease is how long a slot's run is held without a sign of life;
	// the running process renews it every third of that.
	slotLease = 15 * time.Second
)

// running is a slot being run, as recorded in runningColl.
type running struct {
	Job    string    `json:"job"`
	TeamID string    `json:"team_id,omitempty"`
	Slot   time.Time `json:"slot"`
	Owner  string    `json:"owner"`
	Since  time.Time `json:"since"`
}

// claims runs job slots once across processes: a slot is run under a store
// lease, marked done when it succeeds, and recorded as running meanwhile so
// that a crash leaves a trace another process completes.
type claims struct {
	st      store.Store
	log     *slog.Logger
	owner   string
	keyed   func(ctx context.Context, stem string) context.Context
	running store.Coll[running]

	mu     sync.Mutex
	active map[string]bool // slots this process is running
}

func (c *claims) activate(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active[key] {
		return false
	}
	if c.active == nil {
		c.active = map[string]bool{}
	}
	c.active[key] = true
	return true
}

func (c *claims) deactivate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.active, key)
}

func (c *claims) isActive(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active[key]
}

func slotKey(j *Job, run Run) string {
	return fmt.Sprintf("%s/%s/%s", j.Name, run.TeamID, run.Slot.UTC().Format("2006-01-02T15:04"))
}

// newClaims runs slots as owner (a random id when empty); keyed, when set,
// gives each run's context its messages' idempotency stem.
func newClaims(st store.Store, log *slog.Logger, owner string, keyed func(context.Context, string) context.Context) *claims {
	if owner == "" {
		owner = fmt.Sprintf("jobs-%d", rand.Int64())
	}
	return &claims{st: st, log: log, owner: owner, keyed: keyed, running: store.NewColl[running](st, runningColl)}
}

func (c *claims) id() string { return c.owner }

// run runs j for run unless the slot is done or held by another process.
func (c *claims) run(ctx context.Context, j *Job, run Run) (bool, error) {
	return c.runLeased(ctx, j, run, false)
}

// runLeased runs the slot under its lease unless it is done, this process
// runs it already (the lease is re-entrant for its owner) or another holds
// it. recovering marks a run again after a crash (only logged).
func (c *claims) runLeased(ctx context.Context, j *Job, run Run, recovering bool) (bool, error) {
	key := slotKey(j, run)
	taken := func() (bool, error) {
		c.log.Info("job slot already taken", "job", j.Name, "team_id", run.TeamID, "slot", key)
		return false, nil
	}
	if done, err := c.done(ctx, key); err != nil || done {
		if err != nil {
			return false, err
		}
		return taken()
	}
	if !c.activate(key) {
		return taken()
	}
	defer c.deactivate(key)
	ran := false
	err := store.WithLease(ctx, c.st, "job/"+key, c.id(), slotLease, func(lctx context.Context) error {
		// A process that finished the slot may have released the lease
		// just before we took it.
		if done, err := c.done(lctx, key); err != nil || done {
			return err
		}
		if recovering {
			c.log.Warn("job run interrupted by a crash: running it again", "job", j.Name, "team_id", run.TeamID, "slot", key)
		}
		ran = true
		return c.runHeld(lctx, j, run, key)
	})
	if errors.Is(err, store.ErrLeaseHeld) {
		return taken()
	}
	if !ran && err == nil {
		return taken()
	}
	return ran, err
}

// runHeld runs the slot while this process holds its lease: recorded as
// running meanwhile, marked done when the job succeeds.
func (c *claims) runHeld(ctx context.Context, j *Job, run Run, key string) error {
	if err := c.running.Put(ctx, key, &running{Job: j.Name, TeamID: run.TeamID, Slot: run.Slot, Owner: c.id(), Since: time.Now().UTC()}); err != nil {
		return fmt.Errorf("claim %s: %w", key, err)
	}
	rctx := ctx
	if c.keyed != nil {
		rctx = c.keyed(ctx, "job:"+key)
	}
	start := time.Now()
	err := j.Fn(rctx, run)
	c.log.Info("job ran", "job", j.Name, "team_id", run.TeamID, "duration_ms", time.Since(start).Milliseconds(), "ok", err == nil)
	// Done and no longer running in one write. A failed run leaves the slot
	// free for a retry; a crash (no return here) leaves the running record
	// for recover.
	ops := []store.Op{store.DeleteOp(runningColl, key)}
	if err == nil {
		ops = append(ops, store.PutOp(slotColl, key, []byte(time.Now().UTC().Format(time.RFC3339))))
	}
	if werr := c.st.Write(context.WithoutCancel(ctx), ops); werr != nil {
		return errors.Join(err, fmt.Errorf("settle %s: %w", key, werr))
	}
	return err
}

func (c *claims) done(ctx context.Context, key string) (bool, error) {
	_, err := c.st.Get(ctx, slotColl, key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("claim %s: %w", key, err)
}

// recover runs again every slot left running by a process whose lease has
// lapsed (it crashed), and returns how many it ran. Jobs unknown here (not
// planned in this process) are left for a process that knows them.
func (c *claims) recover(ctx context.Context, known map[string]*Job, onRun func(string, error)) (int, error) {
	left, err := c.running.List(ctx, "")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range left {
		j := known[r.Job]
		if j == nil {
			continue
		}
		run := Run{TeamID: r.TeamID, Slot: r.Slot}
		key := slotKey(j, run)
		if c.isActive(key) {
			continue // this process is running it
		}
		if done, err := c.done(ctx, key); err != nil {
			return n, err
		} else if done {
			_ = c.running.Delete(ctx, key) // the record outlived a run that finished
			continue
		}
		ran, err := c.runLeased(ctx, j, run, true)
		if !ran {
			continue // its process is alive and running it
		}
		n++
		if onRun != nil {
			onRun(j.Name, err)
		}
		if err != nil {
			c.log.Error("job failed", "job", j.Name, "team_id", r.TeamID, "error", err)
		}
	}
	return n, nil
}
