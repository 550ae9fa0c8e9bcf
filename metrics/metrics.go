// Package metrics keeps a handful of counters, histograms and gauges and
// serves them in the Prometheus text exposition format (version 0.0.4).
// banzu exports a dozen series; a small registry here avoids pulling the
// Prometheus client and its dependency tree into the binary.
package metrics

import (
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Registry holds the metrics of one process.
type Registry struct {
	mu      sync.Mutex
	order   []string
	metrics map[string]metric
}

type metric interface {
	write(w io.Writer, name string)
}

// New returns an empty registry.
func New() *Registry { return &Registry{metrics: map[string]metric{}} }

func (r *Registry) add(name string, m metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.metrics[name]; dup {
		panic("metrics: duplicate metric " + name)
	}
	r.order = append(r.order, name)
	r.metrics[name] = m
}

// labelKey joins label values; \xff never occurs in UTF-8 text.
func labelKey(values []string) string { return strings.Join(values, "\xff") }

func labelText(names, values []string, extra ...string) string {
	if len(names) == 0 && len(extra) == 0 {
		return ""
	}
	var parts []string
	for i, n := range names {
		parts = append(parts, n+`="`+escape(values[i])+`"`)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		parts = append(parts, extra[i]+`="`+escape(extra[i+1])+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

var escaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func escape(s string) string { return escaper.Replace(s) }

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// CounterVec is a counter per label values.
type CounterVec struct {
	help   string
	labels []string
	mu     sync.Mutex
	vals   map[string]float64
	keys   map[string][]string
}

// Counter registers a counter with the given label names.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{help: help, labels: labels, vals: map[string]float64{}, keys: map[string][]string{}}
	r.add(name, c)
	return c
}

// Add adds v (≥ 0) to the series with these label values.
func (c *CounterVec) Add(v float64, values ...string) {
	if len(values) != len(c.labels) {
		panic(fmt.Sprintf("metrics: %d label values for %d labels", len(values), len(c.labels)))
	}
	k := labelKey(values)
	c.mu.Lock()
	c.vals[k] += v
	if _, ok := c.keys[k]; !ok {
		c.keys[k] = append([]string(nil), values...)
	}
	c.mu.Unlock()
}

// Inc adds one.
func (c *CounterVec) Inc(values ...string) { c.Add(1, values...) }

// Value returns a series' current value (tests).
func (c *CounterVec) Value(values ...string) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vals[labelKey(values)]
}

func (c *CounterVec) write(w io.Writer, name string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, c.help, name)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range slices.Sorted(maps.Keys(c.vals)) {
		fmt.Fprintf(w, "%s%s %s\n", name, labelText(c.labels, c.keys[k]), formatFloat(c.vals[k]))
	}
}

// HistogramVec is a histogram per label values.
type HistogramVec struct {
	help    string
	labels  []string
	buckets []float64
	mu      sync.Mutex
	series  map[string]*histo
}

type histo struct {
	values []string
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

// Histogram registers a histogram with upper bucket bounds (ascending).
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	h := &HistogramVec{help: help, labels: labels, buckets: buckets, series: map[string]*histo{}}
	r.add(name, h)
	return h
}

// Observe records one value.
func (h *HistogramVec) Observe(v float64, values ...string) {
	k := labelKey(values)
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[k]
	if s == nil {
		s = &histo{values: append([]string(nil), values...), counts: make([]uint64, len(h.buckets))}
		h.series[k] = s
	}
	for i, b := range h.buckets {
		if v <= b {
			s.counts[i]++
			break
		}
	}
	s.sum += v
	s.count++
}

// Count returns how many values a series observed (tests).
func (h *HistogramVec) Count(values ...string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.series[labelKey(values)]; s != nil {
		return s.count
	}
	return 0
}

func (h *HistogramVec) write(w io.Writer, name string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, h.help, name)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range slices.Sorted(maps.Keys(h.series)) {
		s := h.series[k]
		var cum uint64
		for i, b := range h.buckets {
			cum += s.counts[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", name, labelText(h.labels, s.values, "le", formatFloat(b)), cum)
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", name, labelText(h.labels, s.values, "le", "+Inf"), s.count)
		fmt.Fprintf(w, "%s_sum%s %s\n", name, labelText(h.labels, s.values), formatFloat(s.sum))
		fmt.Fprintf(w, "%s_count%s %d\n", name, labelText(h.labels, s.values), s.count)
	}
}

// Sample is one gauge value with its label values.
type Sample struct {
	Values []string
	Value  float64
}

type gaugeFunc struct {
	help   string
	labels []string
	fn     func() []Sample
}

// GaugeFunc registers a gauge whose samples are read at scrape time.
func (r *Registry) GaugeFunc(name, help string, fn func() []Sample, labels ...string) {
	r.add(name, &gaugeFunc{help: help, labels: labels, fn: fn})
}

func (g *gaugeFunc) write(w io.Writer, name string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, g.help, name)
	for _, s := range g.fn() {
		fmt.Fprintf(w, "%s%s %s\n", name, labelText(g.labels, s.Values), formatFloat(s.Value))
	}
}

// WriteText writes every metric in registration order.
func (r *Registry) WriteText(w io.Writer) {
	r.mu.Lock()
	order := append([]string(nil), r.order...)
	r.mu.Unlock()
	for _, name := range order {
		r.mu.Lock()
		m := r.metrics[name]
		r.mu.Unlock()
		m.write(w, name)
	}
}

// Handler serves the registry at /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.WriteText(w)
	})
}
