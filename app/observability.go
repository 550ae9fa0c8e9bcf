package app

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/metrics"
	"github.com/banzu-bot/banzu/store"
)

// observability holds the process's metrics and readiness.
type observability struct {
	reg        *metrics.Registry
	in         *metrics.CounterVec
	out        *metrics.CounterVec
	handled    *metrics.HistogramVec
	failed     *metrics.CounterVec
	jobRuns    *metrics.CounterVec
	jobFails   *metrics.CounterVec
	dead       *metrics.CounterVec
	ready      atomic.Bool
	reconnects []func() (platform string, n int64)
	// downs are long connections stopped on purpose (WeCom's
	// disconnected_event): /readyz fails while one is down.
	downs []platformDown
}

// platformDown is a platform's view of a connection another one took.
type platformDown struct {
	name        string
	kicked      func() bool
	kicks       func() int64
	undecodable func() int64
}

func newObservability() *observability {
	r := metrics.New()
	return &observability{
		reg:      r,
		in:       r.Counter("banzu_messages_in_total", "Messages received from chat platforms and accepted for handling.", "platform"),
		out:      r.Counter("banzu_messages_out_total", "Outgoing message delivery attempts by outcome (sent, retried, dead).", "platform", "outcome"),
		handled:  r.Histogram("banzu_handler_seconds", "Command handler latency in seconds.", []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}, "command"),
		failed:   r.Counter("banzu_handler_errors_total", "Command handlers that returned an error.", "command"),
		jobRuns:  r.Counter("banzu_job_runs_total", "Scheduled job runs made by this process.", "job"),
		jobFails: r.Counter("banzu_job_failures_total", "Scheduled job runs that failed.", "job"),
		dead:     r.Counter("banzu_events_dead_total", "Incoming events given up on after repeated failures (kept in the dead-letter ledger).", "platform"),
	}
}

func (o *observability) botHooks() bot.Hooks {
	return bot.Hooks{
		Received: func(platform string) { o.in.Inc(platform) },
		Dead:     func(platform string) { o.dead.Inc(platform) },
		Handled: func(command string, d time.Duration, failed bool) {
			o.handled.Observe(d.Seconds(), command)
			if failed {
				o.failed.Inc(command)
			}
		},
	}
}

func (o *observability) delivered(platform, outcome string) { o.out.Inc(platform, outcome) }

func (o *observability) jobRan(job string, err error) {
	o.jobRuns.Inc(job)
	if err != nil {
		o.jobFails.Inc(job)
	}
}

// registerGauges adds the gauges read at scrape time.
func (a *App) registerGauges() {
	o := a.obs
	stats := func() (int, time.Time) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		depth, oldest, err := a.Store.Outbox().Stats(ctx)
		if err != nil {
			return -1, time.Time{}
		}
		return depth, oldest
	}
	inbox := func() store.InboxStats {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		st, err := a.Store.Inbox().Stats(ctx)
		if err != nil {
			return store.InboxStats{Waiting: -1, Taken: -1, Dead: -1}
		}
		return st
	}
	o.reg.GaugeFunc("banzu_inbox_depth", "Incoming events stored and not handled yet, by state (-1 when the store does not answer).", func() []metrics.Sample {
		st := inbox()
		return []metrics.Sample{{Values: []string{"waiting"}, Value: float64(st.Waiting)}, {Values: []string{"taken"}, Value: float64(st.Taken)}}
	}, "state")
	o.reg.GaugeFunc("banzu_inbox_dead", "Incoming events in the dead-letter ledger.", func() []metrics.Sample {
		return []metrics.Sample{{Value: float64(inbox().Dead)}}
	})
	o.reg.GaugeFunc("banzu_outbox_depth", "Outgoing messages waiting in the outbox (-1 when the store does not answer).", func() []metrics.Sample {
		d, _ := stats()
		return []metrics.Sample{{Value: float64(d)}}
	})
	o.reg.GaugeFunc("banzu_outbox_oldest_age_seconds", "Age of the oldest waiting outgoing message.", func() []metrics.Sample {
		_, oldest := stats()
		if oldest.IsZero() {
			return []metrics.Sample{{Value: 0}}
		}
		return []metrics.Sample{{Value: a.now().Sub(oldest).Seconds()}}
	})
	o.reg.GaugeFunc("banzu_platform_kicked", "1 while a platform's long connection is stopped because another connection took the robot (WeCom disconnected_event).", func() []metrics.Sample {
		var out []metrics.Sample
		for _, d := range o.downs {
			v := 0.0
			if d.kicked() {
				v = 1
			}
			out = append(out, metrics.Sample{Values: []string{d.name}, Value: v})
		}
		return out
	}, "platform")
	o.reg.GaugeFunc("banzu_platform_kicks_total", "Times another connection took the robot from this process since start.", func() []metrics.Sample {
		var out []metrics.Sample
		for _, d := range o.downs {
			out = append(out, metrics.Sample{Values: []string{d.name}, Value: float64(d.kicks())})
		}
		return out
	}, "platform")
	o.reg.GaugeFunc("banzu_undecodable_frames_total", "Long-connection frames skipped because they were not valid JSON (each one a lost message).", func() []metrics.Sample {
		var out []metrics.Sample
		for _, d := range o.downs {
			out = append(out, metrics.Sample{Values: []string{d.name}, Value: float64(d.undecodable())})
		}
		return out
	}, "platform")
	o.reg.GaugeFunc("banzu_reconnects_total", "Reconnections of platform long connections since start.", func() []metrics.Sample {
		var out []metrics.Sample
		for _, r := range o.reconnects {
			p, n := r()
			out = append(out, metrics.Sample{Values: []string{p}, Value: float64(n)})
		}
		return out
	}, "platform")
}

// metricsHandler serves /metrics, behind the API token when one is set.
// Beyond loopback it is served only with the token: the metrics name teams
// and show activity.
func (a *App) metricsHandler(w http.ResponseWriter, r *http.Request) {
	if a.Cfg.API.Token == "" && !loopback(a.Cfg.Listen) {
		http.Error(w, "banzu 监听在本机以外的地址，/metrics 需要 API 令牌：请设置 api.token（或 BANZU_API_TOKEN），再带上 Authorization: Bearer <api.token> 访问。", http.StatusForbidden)
		return
	}
	if tok := a.Cfg.API.Token; tok != "" {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			http.Error(w, "需要 API 令牌（Authorization: Bearer <api.token>）", http.StatusUnauthorized)
			return
		}
	}
	a.obs.reg.Handler().ServeHTTP(w, r)
}

// readyz is 200 once banzu has started and while its store answers.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	if !a.obs.ready.Load() {
		http.Error(w, "starting or stopping", http.StatusServiceUnavailable)
		return
	}
	for _, d := range a.obs.downs {
		if d.kicked() {
			http.Error(w, d.name+" long connection taken by another connection (disconnected_event): run `banzu wecom reconnect` or restart", http.StatusServiceUnavailable)
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if !a.storeWatch.ready(ctx, a.Store) {
		http.Error(w, "store writes are failing (disk full or read-only?)", http.StatusServiceUnavailable)
		return
	}
	a.healthz(w, r)
}
