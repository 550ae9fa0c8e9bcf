package bot

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		n        int
		lo, hi   time.Duration
		initial  time.Duration
		maxDelay time.Duration
	}{
		{0, 500 * time.Millisecond, time.Second, time.Second, time.Minute},
		{1, time.Second, 2 * time.Second, time.Second, time.Minute},
		{3, 4 * time.Second, 8 * time.Second, time.Second, time.Minute},
		{10, 30 * time.Second, time.Minute, time.Second, time.Minute},
		{1000, 30 * time.Second, time.Minute, time.Second, time.Minute},            // no overflow
		{2, 5 * time.Second, 10 * time.Second, 20 * time.Second, 10 * time.Second}, // max below initial
	} {
		for range 200 {
			if d := Backoff(c.n, c.initial, c.maxDelay); d < c.lo || d > c.hi {
				t.Fatalf("Backoff(%d, %v, %v) = %v, want in [%v, %v]", c.n, c.initial, c.maxDelay, d, c.lo, c.hi)
			}
		}
	}
}
