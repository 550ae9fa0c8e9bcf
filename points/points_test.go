package points

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/store/embedded"
)

// TestDecodeOldForms: every form earlier writers stored decodes: an int64 or
// int count, At as a time, a Date instead, an empty at.
func TestDecodeOldForms(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	cases := []struct {
		raw    string
		points int
		when   time.Time
		placed bool
	}{
		{`{"member":"u1","team":"t","points":30,"reason":"knowledge_approved","source":"knowledge","ref":"knowledge:t:3","at":"2026-10-05T09:30:00+08:00"}`,
			30, time.Date(2026, 10, 5, 9, 30, 0, 0, loc), true},
		{`{"member":"u1","team":"t","points":5,"source":"award","ref":"recognition:1","at":"2026-10-31T12:00:00.5Z"}`,
			5, time.Date(2026, 10, 31, 12, 0, 0, 5e8, time.UTC), true},
		{`{"member":"u1","team":"t","points":7,"source":"quiz","date":"2026-10-06"}`,
			7, time.Date(2026, 10, 6, 0, 0, 0, 0, loc), true},
		{`{"member":"u1","team":"t","points":7,"source":"quiz","at":"","date":"2026-10-06"}`,
			7, time.Date(2026, 10, 6, 0, 0, 0, 0, loc), true},
		{`{"member":"u1","team":"t","points":2,"source":"quiz","at":""}`, 2, time.Time{}, false},
	}
	for _, c := range cases {
		var e Entry
		if err := json.Unmarshal([]byte(c.raw), &e); err != nil {
			t.Fatalf("%s: %v", c.raw, err)
		}
		at, ok := e.When(loc)
		if e.Member != "u1" || e.Team != "t" || e.Points != c.points || ok != c.placed || !at.Equal(c.when) {
			t.Errorf("%s: got %+v placed at %v %v", c.raw, e, at, ok)
		}
	}
}

// TestAppendOnceAndScan: an idempotency key records an entry once; Scan
// skips lines that do not decode.
func TestAppendOnceAndScan(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	e := Entry{Member: "u1", Team: "t", Points: 10, Reason: "r", Source: "quiz", Ref: "s1", At: at}
	for range 2 {
		if err := Append(ctx, st, "quiz:s1:u1", e); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := st.Append(ctx, Ledger, "", []byte(`not json`)); err != nil {
		t.Fatal(err)
	}
	if err := Append(ctx, st, "", Entry{Member: "u2", Team: "t", Points: 3, Date: "2026-10-06"}); err != nil {
		t.Fatal(err)
	}
	var got []Entry
	if err := Scan(ctx, st, func(e *Entry) error { got = append(got, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != e || got[1].Member != "u2" || got[1].Date != "2026-10-06" {
		t.Fatalf("scanned %+v", got)
	}
	raw, _ := json.Marshal(e)
	if string(raw) != `{"member":"u1","team":"t","points":10,"reason":"r","source":"quiz","ref":"s1","at":"2026-10-05T09:00:00Z"}` {
		t.Fatalf("stored form changed: %s", raw)
	}
}
