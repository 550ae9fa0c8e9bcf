package redisstore

import (
	"strings"
	"testing"
)

// hashTag returns the part of key Redis Cluster hashes.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func TestKeysShareSlots(t *testing.T) {
	s := New(nil, "")
	sameTag := func(what string, keys ...string) {
		t.Helper()
		for _, k := range keys[1:] {
			if hashTag(k) != hashTag(keys[0]) {
				t.Errorf("%s: %q and %q hash differently", what, keys[0], k)
			}
		}
		if hashTag(keys[0]) == keys[0] {
			t.Errorf("%s: %q has no hash tag", what, keys[0])
		}
	}
	for _, coll := range []string{"kpi", "a/b", "weird}name", "x{y"} {
		sameTag("collection "+coll, s.collHash(coll), s.collZSet(coll))
	}
	last, entries, idem := s.ledgerKeys("points")
	sameTag("ledger", last, entries, idem)
	seq, items, due, created := s.outboxKeys()
	sameTag("outbox", seq, items, due, created, s.outboxKeyKey("reply:wecom:1"), s.outboxKeyKey("a{b}c"))
	stream, seen := s.inboxKeys()
	sameTag("inbox", stream, seen+"wecom:1", seen+"x{y}z")
	if s.collHash("a") == s.collHash("b") || !strings.HasPrefix(s.collHash("a"), DefaultPrefix) {
		t.Errorf("collection keys %q, %q", s.collHash("a"), s.collHash("b"))
	}
}

func TestUniversalOptions(t *testing.T) {
	u, err := universalOptions(Options{URL: "redis://user:secret@db.example:6380/3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Addrs) != 1 || u.Addrs[0] != "db.example:6380" || u.Username != "user" || u.Password != "secret" || u.DB != 3 {
		t.Errorf("from URL: %+v", u)
	}
	u, err = universalOptions(Options{URL: "redis://:secret@db.example:6380/3", Password: "override", DB: 5})
	if err != nil || u.Password != "override" || u.DB != 5 {
		t.Errorf("explicit fields over URL: %+v, %v", u, err)
	}
	u, err = universalOptions(Options{Addrs: []string{"s1:26379", "s2:26379"}, MasterName: "mymaster"})
	if err != nil || u.MasterName != "mymaster" || len(u.Addrs) != 2 {
		t.Errorf("sentinel: %+v, %v", u, err)
	}
}
