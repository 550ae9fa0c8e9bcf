package redisstore_test

import (
	"testing"

	"github.com/banzu-bot/banzu/store/redistest"
	"github.com/banzu-bot/banzu/store/storetest"
)

func BenchmarkPutBatch(b *testing.B) {
	s := open(b, redistest.URL(b), redistest.Prefix(b))
	defer s.Close()
	storetest.BenchPutBatch(b, s)
}

func BenchmarkPutIfAbsentParallel(b *testing.B) {
	s := open(b, redistest.URL(b), redistest.Prefix(b))
	defer s.Close()
	storetest.BenchPutIfAbsentParallel(b, s)
}

func BenchmarkInboxAdd(b *testing.B) {
	s := open(b, redistest.URL(b), redistest.Prefix(b))
	defer s.Close()
	storetest.BenchInboxAdd(b, s)
}

func BenchmarkInboxPipeline(b *testing.B) {
	s := open(b, redistest.URL(b), redistest.Prefix(b))
	defer s.Close()
	storetest.BenchInboxPipeline(b, s)
}
