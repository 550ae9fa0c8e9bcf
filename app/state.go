package app

// feature returns the state a feature keeps for this App under name,
// building it with build on first use. Features whose handler holds anything
// beyond the store and the config (a cache, a mutex, a lease owner) keep it
// here so that commands, jobs, fallbacks and the background ticker share one;
// the state lives and goes with the App.
//
// build runs without the registry's lock held, so it may itself use other
// features' state; when two goroutines race to build the same name, one
// result is kept and both get it, so build must not start anything.
func (a *App) feature(name string, build func() any) any {
	a.featuresMu.Lock()
	v, ok := a.features[name]
	a.featuresMu.Unlock()
	if ok {
		return v
	}
	built := build()
	a.featuresMu.Lock()
	defer a.featuresMu.Unlock()
	if v, ok := a.features[name]; ok {
		return v
	}
	if a.features == nil {
		a.features = map[string]any{}
	}
	a.features[name] = built
	return built
}
