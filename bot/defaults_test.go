package bot

import (
	"testing"
	"time"
)

func TestDefaultTo(t *testing.T) {
	unset, negative, set := time.Duration(0), -time.Second, 3*time.Second
	DefaultTo(&unset, time.Minute)
	DefaultTo(&negative, time.Minute)
	DefaultTo(&set, time.Minute)
	if unset != time.Minute || negative != time.Minute || set != 3*time.Second {
		t.Fatalf("got %v, %v, %v; want 1m0s, 1m0s, 3s", unset, negative, set)
	}
	n := 0
	DefaultTo(&n, 8)
	if n != 8 {
		t.Fatalf("int option: got %d, want 8", n)
	}
}
