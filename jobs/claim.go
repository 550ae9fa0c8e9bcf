package jobs

import (
	"context"
	"encoding/json"
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
	st    store.Store
	log   *slog.Logger
	owner string
	keyed func(ctx context.Context, stem string) context.Context

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

func (c *claims) id() string {
	if c.owner == "" {
		c.owner = fmt.Sprintf("jobs-%d", rand.Int64())
	}
	return c.owner
}

// run runs j for run unless the slot is done or held by another process.
func (c *claims) run(ctx context.Context, j *Job, run Run) (bool, error) {
	key := slotKey(j, run)
	if done, err := c.done(ctx, key); err != nil || done {
		if done {
			c.log.Info("job slot already taken", "job", j.Name, "team_id", run.TeamID, "slot", key)
		}
		return false, err
	}
	held, err := c.st.Acquire(ctx, "job/"+key, c.id(), slotLease)
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	if !held {
		c.log.Info("job slot already taken", "job", j.Name, "team_id", run.TeamID, "slot", key)
		return false, nil
	}
	return c.runHeld(ctx, j, run, key)
}

// runHeld runs the slot whose lease this process holds, and releases it.
func (c *claims) runHeld(ctx context.Context, j *Job, run Run, key string) (bool, error) {
	if !c.activate(key) {
		// This process runs it already (the lease is re-entrant for its
		// owner): leave that run's lease alone.
		c.log.Info("job slot already taken", "job", j.Name, "team_id", run.TeamID, "slot", key)
		return false, nil
	}
	defer c.deactivate(key)
	lease := "job/" + key
	defer c.st.Release(context.WithoutCancel(ctx), lease, c.id())
	// A process that finished the slot may have released the lease just
	// before we took it.
	if done, err := c.done(ctx, key); err != nil || done {
		if done {
			c.log.Info("job slot already taken", "job", j.Name, "team_id", run.TeamID, "slot", key)
		}
		return false, err
	}
	rec, _ := json.Marshal(running{Job: j.Name, TeamID: run.TeamID, Slot: run.Slot, Owner: c.id(), Since: time.Now().UTC()})
	if err := c.st.Put(ctx, runningColl, key, rec); err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go c.keep(rctx, cancel, lease)
	if c.keyed != nil {
		rctx = c.keyed(rctx, "job:"+key)
	}
	start := time.Now()
	err := j.Fn(rctx, run)
	if err == nil && rctx.Err() != nil && ctx.Err() == nil {
		err = errors.New("slot lease lost while running")
	}
	c.log.Info("job ran", "job", j.Name, "team_id", run.TeamID, "duration_ms", time.Since(start).Milliseconds(), "ok", err == nil)
	bg := context.WithoutCancel(ctx)
	if err == nil {
		if perr := c.st.Put(bg, slotColl, key, []byte(time.Now().UTC().Format(time.RFC3339))); perr != nil {
			return true, fmt.Errorf("mark %s done: %w", key, perr)
		}
	}
	// A failed run leaves the slot free for a retry; a crash (no return
	// here) leaves the running record for recover.
	if derr := c.st.Delete(bg, runningColl, key); derr != nil {
		c.log.Warn("job running mark not cleared", "slot", key, "error", derr)
	}
	return true, err
}

// keep renews the slot's lease until ctx ends; a lost lease cancels the run.
func (c *claims) keep(ctx context.Context, cancel context.CancelFunc, lease string) {
	t := time.NewTicker(slotLease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			held, err := c.st.Acquire(ctx, lease, c.id(), slotLease)
			if err == nil && !held {
				c.log.Warn("job slot lease lost", "lease", lease)
				cancel()
				return
			}
		}
	}
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
	var left []running
	err := c.st.Scan(ctx, runningColl, "", "", func(_ string, v []byte) error {
		var r running
		if json.Unmarshal(v, &r) == nil {
			left = append(left, r)
		}
		return nil
	})
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
		held, err := c.st.Acquire(ctx, "job/"+key, c.id(), slotLease)
		if err != nil {
			return n, err
		}
		if !held {
			continue // its process is alive and running it
		}
		c.log.Warn("job run interrupted by a crash: running it again", "job", j.Name, "team_id", r.TeamID, "slot", key, "owner", r.Owner)
		ran, err := c.runHeld(ctx, j, run, key)
		if !ran && err == nil {
			if done, _ := c.done(ctx, key); done {
				// The record outlived a run that finished.
				_ = c.st.Delete(ctx, runningColl, key)
			}
			continue
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
