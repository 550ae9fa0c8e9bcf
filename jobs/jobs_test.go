package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/jobs"
	"github.com/banzu-bot/banzu/store/embedded"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func registry(fn func(context.Context, jobs.Run) error) *jobs.Registry {
	r := jobs.NewRegistry()
	r.Add(&jobs.Job{Name: "daily-summary", DefaultSpec: "30 9 * * *", PerTeam: true, Fn: fn},
		&jobs.Job{Name: "monthly-report", DefaultSpec: "0 9 1 * *", Fn: fn})
	return r
}

func TestPlanOverridesAndValidation(t *testing.T) {
	reg := registry(nil)
	plan, err := jobs.Plan(reg, []string{"a", "b"}, map[string]string{"daily-summary": "0 10 * * *"},
		map[string]map[string]string{"b": {"daily-summary": "off"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range plan {
		got = append(got, e.Job.Name+"/"+e.TeamID+"/"+e.Spec)
	}
	want := "daily-summary/a/0 10 * * *|monthly-report//0 9 1 * *"
	if strings.Join(got, "|") != want {
		t.Errorf("plan = %q, want %q", got, want)
	}
	_, err = jobs.Plan(reg, []string{"a"}, nil, map[string]map[string]string{"a": {"daily-summary": "61 9 * * *"}})
	if err == nil || !strings.Contains(err.Error(), "teams[a].schedules.daily-summary") {
		t.Errorf("bad team spec error: %v", err)
	}
	_, err = jobs.Plan(reg, nil, map[string]string{"nosuch": "* * * * *"}, nil)
	if err == nil || !strings.Contains(err.Error(), "schedules.nosuch") {
		t.Errorf("unknown job error: %v", err)
	}
}

func TestRunOnceClaimsEachSlotOnce(t *testing.T) {
	st, err := embedded.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var runs atomic.Int32
	reg := registry(func(context.Context, jobs.Run) error { runs.Add(1); return nil })
	j, _ := reg.Get("daily-summary")
	slot := time.Date(2026, 10, 2, 9, 30, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ { // ten "replicas" firing the same slot
		wg.Add(1)
		go func() {
			defer wg.Done()
			jobs.RunOnce(context.Background(), st, quiet, j, jobs.Run{TeamID: "a", Slot: slot})
		}()
	}
	wg.Wait()
	if runs.Load() != 1 {
		t.Fatalf("slot ran %d times, want 1", runs.Load())
	}
	ran, _ := jobs.RunOnce(context.Background(), st, quiet, j, jobs.Run{TeamID: "b", Slot: slot})
	ran2, _ := jobs.RunOnce(context.Background(), st, quiet, j, jobs.Run{TeamID: "a", Slot: slot.Add(24 * time.Hour)})
	if !ran || !ran2 || runs.Load() != 3 {
		t.Errorf("other team / next day must run: %v %v %d", ran, ran2, runs.Load())
	}
}

func TestFailedRunCanBeRetried(t *testing.T) {
	st, err := embedded.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	calls := 0
	reg := registry(func(context.Context, jobs.Run) error {
		calls++
		if calls == 1 {
			return errors.New("platform down")
		}
		return nil
	})
	j, _ := reg.Get("monthly-report")
	run := jobs.Run{Slot: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	if _, err := jobs.RunOnce(context.Background(), st, quiet, j, run); err == nil {
		t.Fatal("want the job's error")
	}
	if ran, err := jobs.RunOnce(context.Background(), st, quiet, j, run); !ran || err != nil {
		t.Errorf("retry after failure: ran=%v err=%v", ran, err)
	}
}

func TestPerTeamPassesTeamAndSlot(t *testing.T) {
	var got string
	j := jobs.PerTeam("x", "说明", "0 9 * * *", func(_ context.Context, team string, slot time.Time) (int, error) {
		got = team + "@" + slot.Format("15:04")
		return 3, errors.New("down")
	})
	if !j.PerTeam || j.DefaultSpec != "0 9 * * *" || j.Description != "说明" {
		t.Errorf("job = %+v", j)
	}
	err := j.Fn(context.Background(), jobs.Run{TeamID: "presale", Slot: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
	if got != "presale@09:00" || err == nil || err.Error() != "down" {
		t.Errorf("ran with %q, err %v", got, err)
	}
}
