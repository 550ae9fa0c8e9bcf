package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExposition(t *testing.T) {
	r := New()
	in := r.Counter("banzu_messages_in_total", "Messages received.", "platform")
	in.Inc("wecom")
	in.Add(2, "console")
	in.Inc("wecom")
	h := r.Histogram("banzu_handler_seconds", "Handler latency.", []float64{0.1, 1}, "command")
	h.Observe(0.05, "kpi")
	h.Observe(0.5, "kpi")
	h.Observe(3, "kpi")
	r.GaugeFunc("banzu_outbox_depth", "Messages waiting.", func() []Sample { return []Sample{{Value: 7}} })
	r.GaugeFunc("banzu_quote", `Label "escaping".`, func() []Sample { return []Sample{{Values: []string{`a"b\c`}, Value: 1}} }, "v")

	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	got := rec.Body.String()
	for _, want := range []string{
		"# TYPE banzu_messages_in_total counter\n",
		`banzu_messages_in_total{platform="console"} 2` + "\n",
		`banzu_messages_in_total{platform="wecom"} 2` + "\n",
		`banzu_handler_seconds_bucket{command="kpi",le="0.1"} 1` + "\n",
		`banzu_handler_seconds_bucket{command="kpi",le="1"} 2` + "\n",
		`banzu_handler_seconds_bucket{command="kpi",le="+Inf"} 3` + "\n",
		`banzu_handler_seconds_sum{command="kpi"} 3.55` + "\n",
		"banzu_outbox_depth 7\n",
		`banzu_quote{v="a\"b\\c"} 1` + "\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("exposition lacks %q:\n%s", want, got)
		}
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
	if in.Value("wecom") != 2 || h.Count("kpi") != 3 {
		t.Error("Value/Count disagree with what was recorded")
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a name twice must panic")
		}
	}()
	r.Counter("banzu_messages_in_total", "again")
}
