package awards

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// Three thanks a day per giver, even sent at once; the same message handled
// twice is one thanks; a new day has three again.
func TestThanksLimitConcurrentAndIdempotent(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, loc)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, limited := 0, 0
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Each message is delivered twice at the same time.
			for range 2 {
				_, c, err := s.Thank(ctx, Entry{Member: fmt.Sprintf("r%d", i), By: "giver", Team: "t1", Reason: "谢谢", At: at}, fmt.Sprintf("msg:console:%d", i))
				mu.Lock()
				switch {
				case errors.Is(err, ErrThanksLimit):
					limited++
				case err != nil:
					t.Error(err)
				case c:
					created++
				}
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if created != 3 {
		t.Errorf("created %d thanks, want 3 (limited %d)", created, limited)
	}
	st, _ := Load(ctx, s.St)
	n := 0
	for _, e := range st.Entries {
		if e.Kind == KindThanks {
			n++
		}
	}
	if n != 3 {
		t.Errorf("ledger holds %d thanks", n)
	}
	if left, _ := s.ThanksLeft(ctx, "giver", at); left != 0 {
		t.Errorf("left today: %d", left)
	}
	// The next day (in the team's zone: 00:30 on the 21st).
	next := time.Date(2026, 11, 21, 0, 30, 0, 0, loc)
	if _, c, err := s.Thank(ctx, Entry{Member: "r1", By: "giver", Team: "t1", Reason: "又谢谢", At: next}, "msg:console:next"); err != nil || !c {
		t.Errorf("next day's thanks: %v %v", c, err)
	}
	if _, _, err := s.Thank(ctx, Entry{Member: "giver", By: "giver", Team: "t1", Reason: "x", At: next}, "msg:console:self"); err == nil {
		t.Error("thanking oneself must fail")
	}
	// Thanks are on the workbook rows of the month, not from KPI.
	rows, _ := s.Rows(ctx, "t1", month("2026-11"), month("2026-12").AddDate(0, 0, -1))
	if len(rows) != 4 || rows[0].FromKPI || rows[0].Award != "同事感谢" {
		t.Errorf("rows: %+v", rows)
	}
}
