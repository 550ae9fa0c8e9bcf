package app

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestFeatureStateIsBuiltOncePerApp(t *testing.T) {
	a, b := &App{}, &App{}
	var builds atomic.Int32
	build := func() any { builds.Add(1); return new(int) }
	var wg sync.WaitGroup
	got := make([]any, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = a.feature("x", build)
		}()
	}
	wg.Wait()
	for _, v := range got {
		if v != got[0] {
			t.Fatal("callers got different states")
		}
	}
	if a.feature("x", build) != got[0] {
		t.Error("a later call built again")
	}
	if b.feature("x", build) == got[0] {
		t.Error("two apps share a state")
	}
	if a.feature("y", build) == got[0] {
		t.Error("two features share a state")
	}
	// build may use other features' state.
	if v := a.feature("z", func() any { return a.feature("x", build) }); v != got[0] {
		t.Error("nested feature")
	}
}
