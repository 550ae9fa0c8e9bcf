package knowledge

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// loadCorpus reads testdata/faq.tsv into approved entries, keyed by name.
func loadCorpus(t testing.TB) ([]*Entry, map[int64]string) {
	t.Helper()
	f, err := os.Open("testdata/faq.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var entries []*Entry
	keys := map[int64]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("faq.tsv: %d columns in %q", len(cols), line)
		}
		e := &Entry{ID: int64(len(entries) + 1), Team: "t", State: Approved, Question: cols[1], Answer: cols[3], Tags: strings.Fields(cols[4])}
		if cols[2] != "" {
			e.Similar = strings.Split(cols[2], "；")
		}
		entries = append(entries, e)
		keys[e.ID] = cols[0]
	}
	return entries, keys
}

type query struct {
	text, want string
	rank       int
}

func loadQueries(t testing.TB) []query {
	t.Helper()
	data, err := os.ReadFile("testdata/queries.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var out []query
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		q := query{text: cols[0], want: cols[1], rank: 1}
		if len(cols) > 2 {
			q.rank, _ = strconv.Atoi(cols[2])
		}
		out = append(out, q)
	}
	return out
}

// TestSearchQuality checks that paraphrased Chinese questions find the entry a
// person would pick, at the top.
func TestSearchQuality(t *testing.T) {
	entries, keys := loadCorpus(t)
	idx := NewIndex(entries)
	queries := loadQueries(t)
	if len(queries) < 30 {
		t.Fatalf("only %d queries", len(queries))
	}
	top1 := 0
	for _, q := range queries {
		hits := idx.Search(q.text, 5)
		var got []string
		rank := 0
		for i, h := range hits {
			got = append(got, keys[h.Entry.ID])
			if keys[h.Entry.ID] == q.want && rank == 0 {
				rank = i + 1
			}
		}
		if rank == 1 {
			top1++
		}
		if rank == 0 || rank > q.rank {
			t.Errorf("search %q: want %s at rank ≤ %d, got %v", q.text, q.want, q.rank, got)
		}
	}
	t.Logf("top-1 %d/%d", top1, len(queries))
	// Questions the corpus knows nothing about find nothing, rather than
	// whatever shares one character with them.
	for _, q := range []string{"火星登陆计划", "今天天气怎么样", "直播间抽奖什么时候开奖"} {
		if hits := idx.Search(q, 5); len(hits) > 0 {
			t.Errorf("search %q: want nothing, got %s first (%.2f)", q, keys[hits[0].Entry.ID], hits[0].Score)
		}
	}
}

// TestSimilarHint checks the similar-entry hint a submitter sees.
func TestSimilarHint(t *testing.T) {
	entries, keys := loadCorpus(t)
	idx := NewIndex(entries)
	cases := []struct {
		question string
		want     string // "" means no hint at all
	}{
		{"七天无理由退货如何申请", "return7"},
		{"退货的运费由谁承担", "returnfee"},
		{"收到商品破损怎么处理", "damage"},
		{"下单以后可以修改地址吗", "address"},
		{"发票开错了怎么重开", "invoice_change"},
		{"直播间的抽奖什么时候开奖", ""},
	}
	for _, c := range cases {
		ms := idx.Similar(c.question, 0.3, 3, 0)
		switch {
		case c.want == "" && len(ms) > 0:
			t.Errorf("similar %q: want no hint, got %s (%.2f)", c.question, keys[ms[0].Entry.ID], ms[0].Score)
		case c.want != "" && (len(ms) == 0 || keys[ms[0].Entry.ID] != c.want):
			var got []string
			for _, m := range ms {
				got = append(got, keys[m.Entry.ID])
			}
			t.Errorf("similar %q: want %s first, got %v", c.question, c.want, got)
		}
	}
}
