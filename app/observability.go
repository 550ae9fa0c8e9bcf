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
	ready      atomic.Bool
	reconnects []func() (platform string, n int64)
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
	}
}

func (o *observability) botHooks() bot.Hooks {
	return bot.Hooks{
		Received: func(platform string) { o.in.Inc(platform) },
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
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if !a.storeWatch.ready(ctx, a.Store) {
		http.Error(w, "store writes are failing (disk full or read-only?)", http.StatusServiceUnavailable)
		return
	}
	a.healthz(w, r)
}
