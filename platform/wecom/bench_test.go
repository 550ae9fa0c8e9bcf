package wecom

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/banzu-bot/banzu/store/redisstore"
	"github.com/banzu-bot/banzu/store/redistest"
)

// BenchmarkCallback measures the callback path under 200 concurrent
// requests: signature check, decryption, JSON decoding, then banzu's own
// Dispatch: the event and its de-duplication mark written to the durable
// inbox in one step, before WeCom is answered 200. One request in ten is a
// WeCom redelivery of the previous msgid. It runs on the embedded store and,
// where a redis-server is available, on Redis.
//
// Metrics: p99-ms and p50-ms, from sending the request to WeCom getting its
// answer (WeCom's deadline is 5 s); events/s, callbacks answered per second.
//
// Sub-benchmarks:
//   - http: 200 clients POST to an httptest.Server over loopback, as WeCom
//     would; latency includes the client and the HTTP round trip.
//   - http-burst: waves of 200 simultaneous requests.
//   - direct: 200 goroutines call ServeHTTP in a tight loop.
//   - serial: one request at a time through ServeHTTP: the cost of the path
//     itself.
//
// A closed loop of 200 clients on the same few cores keeps 200 requests in
// flight, so by Little's law each waits about 200 × (CPU per request) ÷
// cores, client and HTTP stack included: on a 2-core machine the http p99
// measures that queue as much as the handler.
func BenchmarkCallback(b *testing.B) {
	stores := map[string]func(b *testing.B) store.Store{
		"embedded": func(b *testing.B) store.Store {
			st, err := embedded.Open(filepath.Join(b.TempDir(), "banzu.db"))
			if err != nil {
				b.Fatal(err)
			}
			return st
		},
		"redis": func(b *testing.B) store.Store {
			st, err := redisstore.Open(redisstore.Options{URL: redistest.URL(b), Prefix: redistest.Prefix(b)})
			if err != nil {
				b.Fatal(err)
			}
			return st
		},
	}
	for _, name := range []string{"embedded", "redis"} {
		open := stores[name]
		b.Run(name+"/http", func(b *testing.B) { benchCallback(b, open(b), true, 200, false) })
		b.Run(name+"/http-burst", func(b *testing.B) { benchCallback(b, open(b), true, 200, true) })
		b.Run(name+"/direct", func(b *testing.B) { benchCallback(b, open(b), false, 200, false) })
		b.Run(name+"/serial", func(b *testing.B) { benchCallback(b, open(b), false, 1, false) })
	}
}

// In burst mode the requests come in waves: 200 requests start together,
// and the next wave starts when the last answer of this one is in (an open
// burst, as when WeCom redelivers a backlog), instead of 200 clients that
// each send again the moment they are answered.
func benchCallback(b *testing.B, st store.Store, overHTTP bool, concurrency int, burst bool) {
	defer st.Close()
	ctx := context.Background()
	dir, err := bot.NewDirectory(ctx, st, nil)
	if err != nil {
		b.Fatal(err)
	}
	n := b.N
	sent := make([]atomic.Int64, n) // UnixNano the request was sent
	var accepted atomic.Int64
	// The bot's workers are not started: this measures the intake alone.
	bt := bot.New(st, dir, bot.NewCommands(), bot.NewOutbox(st, nil, bot.OutboxOptions{}), bot.Options{
		Logger: quietLog, Hooks: bot.Hooks{Received: func(string) { accepted.Add(1) }}})
	p, err := New(testPlatformConfig(), nil, Options{Logger: quietLog, Handle: bt.Dispatch})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()

	// Distinct signed requests, like real traffic; every tenth replays the
	// previous msgid.
	type req struct{ query, body string }
	reqs := make([]req, n)
	for i := range reqs {
		id := i
		if i%10 == 9 {
			id = i - 1
		}
		plain := strings.Replace(groupText, "CAIQ16HMjQYY", fmt.Sprintf("msg-%08d", id), 1)
		plain = strings.Replace(plain, "今日排班", fmt.Sprintf("今日排班 #%d", i), 1)
		body, q, err := EncryptCallback(pinnedToken, vecAESKey, "", []byte(plain), strconv.FormatInt(time.Now().Unix(), 10), fmt.Sprintf("n%d", i))
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = req{q.Encode(), string(body)}
	}

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

	lat := make([]time.Duration, n)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for wave := 0; burst && wave < n; wave += concurrency {
		gate := make(chan struct{})
		for i := wave; i < min(wave+concurrency, n); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				start := time.Now()
				sent[i].Store(start.UnixNano())
				if do(reqs[i]) != http.StatusOK {
					failed.Add(1)
				}
				lat[i] = time.Since(start)
			}()
		}
		close(gate)
		wg.Wait()
	}
	if burst {
		next.Store(int64(n)) // every request sent
	}
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				start := time.Now()
				sent[i].Store(start.UnixNano())
				code := do(reqs[i])
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
	elapsed := b.Elapsed()
	b.StopTimer()
	if k := failed.Load(); k > 0 {
		b.Fatalf("%d of %d requests failed", k, n)
	}
	if want := int64(n - n/10); accepted.Load() != want {
		b.Fatalf("%d events stored, want %d (one in ten is a duplicate)", accepted.Load(), want)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
}
