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
	"github.com/banzu-bot/banzu/store/embedded"
)

// BenchmarkCallback measures the callback path under 200 concurrent
// requests: signature check, decryption, JSON decoding and enqueue for
// Handle, then what banzu's Handle does with the event: de-duplicate it on
// msgid in the store (bot.Dispatch's store.FirstSeen, here on the embedded
// store, one fsync'd write each) and queue it for the bot's workers. One
// request in ten is a WeCom redelivery of the previous msgid.
//
// Metrics:
//   - p99-ms, p50-ms: from sending the request to WeCom getting its answer
//     (the adapter answers once the event is queued; WeCom's deadline is 5 s);
//   - p99-handoff-ms: from sending the request to the event being
//     de-duplicated and queued for the bot, or dropped as a duplicate.
//
// Sub-benchmarks:
//   - http: 200 clients POST to an httptest.Server over loopback, as WeCom
//     would; latency includes the client and the HTTP round trip.
//   - direct: 200 goroutines call ServeHTTP in a tight loop. With no I/O they
//     never yield, so on few cores a request may wait for the CPU behind the
//     others (Go preempts every 10 ms) and the queue's workers starve: its p99
//     measures the scheduler more than the handler.
//   - serial: one request at a time through ServeHTTP: the cost of the path
//     itself. A burst of 200 takes about 200 × that ÷ cores to answer.
//
// A closed loop of 200 clients on the same few cores keeps 200 requests in
// flight, so by Little's law each waits about 200 × (CPU per request) ÷
// cores, client and HTTP stack included: on a 2-core machine the http p99
// measures that queue more than the handler.
//
// The adapter runs with its default options (queue 4096, 4 workers).
func BenchmarkCallback(b *testing.B) {
	b.Run("http", func(b *testing.B) { benchCallback(b, true, 200, false) })
	b.Run("http-burst", func(b *testing.B) { benchCallback(b, true, 200, true) })
	b.Run("direct", func(b *testing.B) { benchCallback(b, false, 200, false) })
	b.Run("serial", func(b *testing.B) { benchCallback(b, false, 1, false) })
}

// In burst mode the requests come in waves: 200 requests start together,
// and the next wave starts when the last answer of this one is in (an open
// burst, as when WeCom redelivers a backlog), instead of 200 clients that
// each send again the moment they are answered.
func benchCallback(b *testing.B, overHTTP bool, concurrency int, burst bool) {
	st, err := embedded.Open(filepath.Join(b.TempDir(), "banzu.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()

	// Request i carries "#i" in its text so Handle can time it.
	n := b.N
	sent := make([]atomic.Int64, n)    // UnixNano the request was sent
	handoff := make([]atomic.Int64, n) // UnixNano its event was de-duplicated and queued
	botQueue := make(chan bot.Event, 1024)
	go func() {
		for range botQueue { // the bot's workers
		}
	}()
	var handled, dups atomic.Int64
	p, err := New(testPlatformConfig(), nil, Options{
		Logger: quietLog,
		Handle: func(ev bot.Event) {
			i, _ := strconv.Atoi(ev.Text[strings.LastIndexByte(ev.Text, '#')+1:])
			first, err := st.FirstSeen(context.Background(), "msg:"+ev.Platform+":"+ev.MessageID, 24*time.Hour)
			if err != nil {
				b.Error(err)
			}
			if first {
				botQueue <- ev
			} else {
				dups.Add(1)
			}
			handoff[i].Store(time.Now().UnixNano())
			handled.Add(1)
		},
	})
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
	// A refused request (503) never reaches Handle.
	for deadline := time.Now().Add(time.Minute); handled.Load() < int64(n)-failed.Load() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	close(botQueue)
	if k := failed.Load(); k > 0 {
		b.Fatalf("%d of %d requests failed", k, n)
	}
	if h := handled.Load(); h != int64(n) {
		b.Fatalf("%d of %d events handled", h, n)
	}
	if want := int64(n / 10); dups.Load() != want {
		b.Fatalf("%d duplicates dropped, want %d", dups.Load(), want)
	}
	hand := make([]time.Duration, n)
	for i := range hand {
		hand[i] = time.Duration(handoff[i].Load() - sent[i].Load())
	}
	slices.Sort(lat)
	slices.Sort(hand)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(hand[len(hand)*99/100]), "p99-handoff-ms")
}
