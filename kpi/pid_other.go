//go:build !unix

package kpi

// pidAlive cannot tell here: a marker then goes stale by its heartbeat only.
func pidAlive(pid int) bool { return pid > 0 }
