package wecom

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// BenchmarkCallback measures the callback path (signature check, decryption,
// JSON decoding, enqueue for Handle) under 200 concurrent requests and
// reports the 99th percentile of per-request latency.
//
//   - http: 200 clients POST to an httptest.Server over loopback, as WeCom
//     would; latency includes the client and the HTTP round trip.
//   - direct: 200 goroutines call ServeHTTP in a tight loop. With no I/O they
//     never yield, so on few cores a request may wait for the CPU behind the
//     others (Go preempts every 10 ms) and the queue's workers starve: its p99
//     measures the scheduler more than the handler.
//
// The adapter runs with its default options (queue 1024, 4 workers).
func BenchmarkCallback(b *testing.B) {
	b.Run("http", func(b *testing.B) { benchCallback(b, true) })
	b.Run("direct", func(b *testing.B) { benchCallback(b, false) })
}

func benchCallback(b *testing.B, overHTTP bool) {
	var handled atomic.Int64
	p, err := New(testPlatformConfig(), nil, Options{
		Logger: quietLog,
		Handle: func(bot.Event) { handled.Add(1) },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()

	// A pool of distinct signed requests, like real traffic.
	type req struct{ query, body string }
	pool := make([]req, 256)
	for i := range pool {
		plain := strings.Replace(groupText, "CAIQ16HMjQYY", fmt.Sprintf("msg-%04d", i), 1)
		enc, err := p.crypt.encrypt([]byte(plain))
		if err != nil {
			b.Fatal(err)
		}
		ts, nonce := "1700000000", fmt.Sprintf("n%d", i)
		q := url.Values{"msg_signature": {p.crypt.signature(ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
		pool[i] = req{q.Encode(), `{"encrypt":"` + enc + `"}`}
	}

	const concurrency = 200
	var do func(rq req) int
	if overHTTP {
		srv := httptest.NewServer(p.Handler())
		defer srv.Close()
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}
		defer client.CloseIdleConnections()
		do = func(rq req) int {
			resp, err := client.Post(srv.URL+"/wecom/aibot?"+rq.query, "application/json", strings.NewReader(rq.body))
			if err != nil {
				return 0
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
	} else {
		h := p.Handler()
		do = func(rq req) int {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/wecom/aibot?"+rq.query, strings.NewReader(rq.body)))
			return w.Code
		}
	}

	lat := make([]time.Duration, b.N)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				start := time.Now()
				code := do(pool[i%int64(len(pool))])
				lat[i] = time.Since(start)
				if code != http.StatusOK {
					failed.Add(1)
				}
				if !overHTTP {
					// net/http's goroutine would now block reading the next
					// request; yield like it does.
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed", n, b.N)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
}
