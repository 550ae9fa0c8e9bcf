package store_test

import (
	"testing"

	"github.com/banzu-bot/banzu/store"
)

func TestPrefixEnd(t *testing.T) {
	cases := map[string]string{
		"team/":        "team0",
		"s1/":          "s10",
		"a":            "b",
		"":             "",
		"a\xff":        "b",
		"\xff\xff":     "",
		"x/2026-10-01": "x/2026-10-02",
	}
	for in, want := range cases {
		if got := store.PrefixEnd(in); got != want {
			t.Errorf("PrefixEnd(%q) = %q, want %q", in, got, want)
		}
		// Every key with the prefix sorts before the end.
		if end := store.PrefixEnd(in); end != "" && !(in+"\xff\xff" < end) {
			t.Errorf("PrefixEnd(%q) = %q is not above %q", in, end, in+"\xff\xff")
		}
	}
}
