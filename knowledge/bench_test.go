package knowledge

import (
	"context"
	"fmt"
	"testing"

	"github.com/banzu-bot/banzu/store"
)

var benchProducts = []string{"羽绒服", "连衣裙", "蓝牙耳机", "电饭煲", "面霜", "运动鞋", "行李箱", "保温杯", "儿童座椅", "扫地机器人",
	"精华液", "牛仔裤", "空气炸锅", "卫衣", "口红", "机械键盘", "登山包", "床上四件套", "猫粮", "咖啡机"}

// benchEntries makes n approved entries: the corpus questions asked about
// different products, so terms repeat the way a real team's FAQ does.
func benchEntries(t testing.TB, n int) []*Entry {
	base, _ := loadCorpus(t)
	out := make([]*Entry, n)
	for i := range out {
		b := base[i%len(base)]
		p := benchProducts[(i/len(base))%len(benchProducts)]
		out[i] = &Entry{ID: int64(i + 1), Team: "t", State: Approved,
			Question: fmt.Sprintf("%s的%s（%d）", p, b.Question, i), Similar: b.Similar,
			Answer: fmt.Sprintf("%s：%s", p, b.Answer), Tags: b.Tags}
	}
	return out
}

var benchQueries = []string{"运费险多久到账", "羽绒服不想要了怎么退货", "降价了退差价", "蓝牙耳机收到破损", "发票抬头开错了", "过敏"}

func BenchmarkIndexBuild5000(b *testing.B) {
	entries := benchEntries(b, 5000)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(entries)
	}
}

func BenchmarkSearch5000(b *testing.B) {
	idx := NewIndex(benchEntries(b, 5000))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if len(idx.Search(benchQueries[i%len(benchQueries)], 5)) == 0 {
			b.Fatal("no hits")
		}
		i++
	}
}

func BenchmarkSimilar5000(b *testing.B) {
	idx := NewIndex(benchEntries(b, 5000))
	b.ReportAllocs()
	for b.Loop() {
		idx.Similar("运费险多久能到账", 0.3, 3, 0)
	}
}

// BenchmarkServiceSearch5000 is /kb through the store with a warm cache: a
// counter read to check the cache, then the index search.
func BenchmarkServiceSearch5000(b *testing.B) {
	s, st, _ := newTestService(b)
	ctx := context.Background()
	var items []store.KV
	for _, e := range benchEntries(b, 5000) {
		e.Team = "presale"
		v, _ := jsonMarshal(e)
		items = append(items, store.KV{Key: entryKey("presale", e.ID), Value: v})
	}
	if err := st.PutBatch(ctx, EntriesColl, items); err != nil {
		b.Fatal(err)
	}
	st.Incr(ctx, versionColl, "presale", 1)
	if _, err := s.Search(ctx, "presale", "预热", 5); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Search(ctx, "presale", benchQueries[i%len(benchQueries)], 5); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
