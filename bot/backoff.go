package bot

import (
	"math/rand/v2"
	"time"
)

// Backoff is the wait before retry attempt n (0-based): d doubles from
// initial per attempt up to max, and the wait is drawn at random from
// [d/2, d] (jitter) so that many retries do not come back at once. The
// outbox paces sends with it and the platforms their reconnects.
func Backoff(n int, initial, max time.Duration) time.Duration {
	d := initial
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	return half + rand.N(d-half+1)
}
