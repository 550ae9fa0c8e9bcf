package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// A process that died mid-run leaves its running record and a lease that
// lapses; the sweep runs the slot again once, and only after the lease has
// lapsed.
func TestSweepRunsASlotACrashedProcessLeft(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var runs atomic.Int32
	var gotStem string
	j := &Job{Name: "daily-summary", PerTeam: true, Fn: func(ctx context.Context, run Run) error {
		runs.Add(1)
		gotStem, _ = ctx.Value(stemKey{}).(string)
		return nil
	}}
	run := Run{TeamID: "presale", Slot: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)}
	key := slotKey(j, run)

	// The crashed process: its record, and its lease still running.
	rec, _ := json.Marshal(running{Job: j.Name, TeamID: run.TeamID, Slot: run.Slot, Owner: "dead", Since: time.Now()})
	if err := st.Put(ctx, runningColl, key, rec); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Acquire(ctx, "job/"+key, "dead", 300*time.Millisecond); !ok || err != nil {
		t.Fatal(ok, err)
	}
	c := newClaims(st, log, "alive", func(ctx context.Context, stem string) context.Context {
		return context.WithValue(ctx, stemKey{}, stem)
	})
	known := map[string]*Job{j.Name: j}
	if n, err := c.recover(ctx, known, nil); n != 0 || err != nil || runs.Load() != 0 {
		t.Fatalf("while the lease holds: ran %d (n=%d, err=%v), want nothing", runs.Load(), n, err)
	}
	// A fresh fire of the same slot must not run it either.
	if ran, err := c.run(ctx, j, run); ran || err != nil {
		t.Fatalf("slot held by a live run ran again: %v %v", ran, err)
	}

	time.Sleep(400 * time.Millisecond) // the dead process's lease lapses
	var reported []string
	n, err := c.recover(ctx, known, func(job string, err error) { reported = append(reported, job) })
	if n != 1 || err != nil || runs.Load() != 1 || len(reported) != 1 {
		t.Fatalf("after the lease lapsed: n=%d err=%v runs=%d reported=%v, want one run", n, err, runs.Load(), reported)
	}
	if gotStem != "job:"+key {
		t.Errorf("the re-run's send keys stem = %q, want %q (so it posts nothing twice)", gotStem, "job:"+key)
	}
	// Done: neither the sweep nor the scheduler runs it again.
	if n, _ := c.recover(ctx, known, nil); n != 0 {
		t.Errorf("second sweep ran %d", n)
	}
	if ran, _ := c.run(ctx, j, run); ran || runs.Load() != 1 {
		t.Errorf("done slot ran again: %v (%d runs)", ran, runs.Load())
	}
	var left int
	st.Scan(ctx, runningColl, "", "", func(string, []byte) error { left++; return nil })
	if left != 0 {
		t.Errorf("%d running records left", left)
	}
}

// A job of a failed run is not marked done and leaves no running record: a
// retry may run it, and the sweep does not.
func TestFailedRunLeavesNothingForTheSweep(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	c := newClaims(st, slog.New(slog.NewTextHandler(io.Discard, nil)), "", nil)
	calls := 0
	j := &Job{Name: "report-monthly", Fn: func(context.Context, Run) error {
		calls++
		return errors.New("platform down")
	}}
	run := Run{Slot: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	if ran, err := c.run(ctx, j, run); !ran || err == nil {
		t.Fatalf("ran=%v err=%v", ran, err)
	}
	if n, _ := c.recover(ctx, map[string]*Job{j.Name: j}, nil); n != 0 || calls != 1 {
		t.Errorf("sweep re-ran a failed run: n=%d calls=%d", n, calls)
	}
}

// A slot this process is running is not run again by its own sweep, although
// the lease is re-entrant for its owner.
func TestSweepLeavesItsOwnRunningSlotAlone(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	c := newClaims(st, slog.New(slog.NewTextHandler(io.Discard, nil)), "me", nil)
	started, release := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	j := &Job{Name: "kpi-alerts", Fn: func(context.Context, Run) error {
		runs.Add(1)
		close(started)
		<-release
		return nil
	}}
	run := Run{Slot: time.Date(2026, 12, 1, 9, 15, 0, 0, time.UTC)}
	done := make(chan error)
	go func() { _, err := c.run(ctx, j, run); done <- err }()
	<-started
	if n, _ := c.recover(ctx, map[string]*Job{j.Name: j}, nil); n != 0 {
		t.Errorf("own sweep ran a running slot: %d", n)
	}
	if ran, _ := c.run(ctx, j, run); ran {
		t.Error("a second fire of a running slot ran")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if runs.Load() != 1 {
		t.Errorf("runs = %d", runs.Load())
	}
}

type stemKey struct{}
